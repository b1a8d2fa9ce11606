//! Work orders in the browser: the rules W1–W7, W11–W13 on the HTML routes.

use diesel::prelude::*;
use faena::db::schema::{activity_log, steps, work_orders};
use faena::db::work_orders::{self as repo, WorkOrder};
use faena::domain::role::Role;

use crate::helpers::{
    TestApp, id_from_location, initial_fields, invalid_fields, location, set, spawn_app, texts,
};

async fn order(app: &TestApp, id: i32) -> WorkOrder {
    app.db(move |c| repo::find(c, id).unwrap().unwrap()).await
}

async fn count_orders(app: &TestApp) -> i64 {
    app.db(|c| work_orders::table.count().get_result::<i64>(c).unwrap())
        .await
}

async fn count_steps(app: &TestApp) -> i64 {
    app.db(|c| steps::table.count().get_result::<i64>(c).unwrap())
        .await
}

async fn step_rows(app: &TestApp, id: i32) -> Vec<String> {
    let body = app.get(&format!("/ot/{id}")).await.text().await.unwrap();
    texts(&body, "table#pasos > tbody > tr")
}

#[tokio::test]
async fn w1_w3_a_valid_form_creates_the_order_with_its_steps_and_shows_it() {
    let app = spawn_app().await;
    app.logged_in("ana", Role::Gestor).await;
    let (id, _) = app.create_initial("OT-2025-001", &[]).await;

    let o = order(&app, id).await;
    assert_eq!(o.folio, "OT-2025-001");
    assert_eq!(o.amount_mxn, 123_456_789);
    assert_eq!(o.amount_usd, 150_000);
    assert_eq!(
        o.client_id,
        Some(1),
        "the client given is kept (legacy forced 1)"
    );
    assert_eq!(o.record_state, 1);
    assert_eq!(o.list_year, Some(2025));

    // W3: kind 4 → set 5, six active templates, in template order, all PENDIENTE.
    let rows = step_rows(&app, id).await;
    assert_eq!(rows.len(), 6);
    assert!(rows[0].contains("Reunión de arranque"));
    assert!(rows.iter().all(|r| r.contains("PENDIENTE")));
    let body = app.get(&format!("/ot/{id}")).await.text().await.unwrap();
    assert!(texts(&body, "dd").contains(&"$1,234,567.89 MXN".to_owned()));
    assert!(texts(&body, "dd").contains(&"31/03/2025".to_owned()));
    assert!(
        texts(&body, "#historial td")
            .iter()
            .any(|t| t.contains("creada con 6 pasos"))
    );
}

#[tokio::test]
async fn w1_a_form_with_errors_is_shown_again_with_every_field_marked_and_nothing_written() {
    let app = spawn_app().await;
    app.logged_in("ana", Role::Gestor).await;
    let pte = app.create_pte("PTE-1", "1").await;
    let mut fields = initial_fields(pte, "OT-1");
    set(&mut fields, "oficio_ot", "");
    set(&mut fields, "descripcion_trabajo", "   ");
    set(&mut fields, "responsable_cliente", "");
    set(&mut fields, "monto_mxn", "abc");
    let response = app.post_order(None, &fields).await;
    assert_eq!(response.status(), 422);
    let body = response.text().await.unwrap();
    let mut marked = invalid_fields(&body);
    marked.sort();
    assert_eq!(
        marked,
        [
            "descripcion_trabajo",
            "monto_mxn",
            "oficio_ot",
            "responsable_cliente"
        ]
    );
    assert_eq!(texts(&body, ".error").len(), 4);
    // Issue 12 §8: a summary lists the fields in form order, each linking to its input; the
    // messages agree with their labels; required fields are marked.
    let doc = scraper::Html::parse_document(&body);
    let links = scraper::Selector::parse("#resumen-errores li a").unwrap();
    let targets: Vec<&str> = doc
        .select(&links)
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert_eq!(
        targets,
        [
            "#f-oficio_ot",
            "#f-descripcion_trabajo",
            "#f-responsable_cliente",
            "#f-monto_mxn"
        ]
    );
    assert!(
        texts(&body, "#resumen-errores li")
            .iter()
            .any(|t| t.ends_with("La descripción del trabajo es obligatoria."))
    );
    let required = scraper::Selector::parse(".req label").unwrap();
    let required: Vec<String> = doc
        .select(&required)
        .map(|l| l.text().collect::<String>())
        .collect();
    for label in [
        "Oficio OT",
        "Descripción del trabajo",
        "Responsable del cliente",
    ] {
        assert!(required.iter().any(|l| l == label), "{label}: {required:?}");
    }
    assert!(!required.iter().any(|l| l == "Monto MXN"), "optional");
    // The user's input is kept.
    let doc = scraper::Html::parse_document(&body);
    let folio = scraper::Selector::parse("#f-orden_trabajo").unwrap();
    assert_eq!(
        doc.select(&folio).next().unwrap().value().attr("value"),
        Some("OT-1")
    );
    assert_eq!(count_orders(&app).await, 0);
    assert_eq!(count_steps(&app).await, 0);
}

#[tokio::test]
async fn w1_bad_values_each_get_a_message_on_their_field_and_change_nothing() {
    let app = spawn_app().await;
    app.logged_in("ana", Role::Gestor).await;
    let pte = app.create_pte("PTE-1", "1").await;
    let long = "F".repeat(101);
    let huge = "x".repeat(10_001);
    let cases: Vec<(&str, &str, &str)> = vec![
        (
            "fecha_inicio_programado",
            "31/02/2025",
            "fecha_inicio_programado",
        ),
        (
            "fecha_termino_programado",
            "2025-13-01",
            "fecha_termino_programado",
        ),
        ("monto_mxn", "-5", "monto_mxn"),
        ("monto_usd", "1e309", "monto_usd"),
        ("orden_trabajo", &long, "orden_trabajo"),
        ("descripcion_trabajo", &huge, "descripcion_trabajo"),
        ("plazo_dias", "-3", "plazo_dias"),
        ("responsable_proyecto", "999", "responsable_proyecto"),
        ("id_cliente", "999", "id_cliente"),
        ("id_tipo", "7", "id_tipo"),
        ("id_pte", "999", "id_pte"),
    ];
    for (field, value, marked) in cases {
        let mut fields = initial_fields(pte, "OT-1");
        set(&mut fields, field, value);
        let response = app.post_order(None, &fields).await;
        assert_eq!(response.status(), 422, "{field}={value}");
        let body = response.text().await.unwrap();
        assert!(
            invalid_fields(&body).contains(&marked.to_owned()),
            "{field}={value}: {:?}",
            invalid_fields(&body)
        );
    }
    // Sites: a vessel id in the platform field, an unknown site, a deactivated yard.
    let site_cases = [
        ("2", "id_plataforma", "6"),
        ("2", "id_embarcacion", "999"),
        ("1", "id_patio", "13"),
    ];
    for (front, field, value) in site_cases {
        let mut fields = initial_fields(pte, "OT-1");
        set(&mut fields, "id_frente", front);
        set(&mut fields, field, value);
        let response = app.post_order(None, &fields).await;
        assert_eq!(response.status(), 422, "{field}={value}");
        let body = response.text().await.unwrap();
        assert!(
            invalid_fields(&body).contains(&field.to_owned()),
            "{field}={value}"
        );
    }
    assert_eq!(count_orders(&app).await, 0);
    assert_eq!(count_steps(&app).await, 0);
}

#[tokio::test]
async fn w1_planned_end_is_computed_inclusively_from_start_and_duration() {
    let app = spawn_app().await;
    app.logged_in("ana", Role::Gestor).await;
    let (id, _) = app
        .create_initial(
            "OT-1",
            &[
                ("fecha_inicio_programado", "01/03/2025"),
                ("fecha_termino_programado", ""),
                ("plazo_dias", "10"),
            ],
        )
        .await;
    let o = order(&app, id).await;
    assert_eq!(o.planned_end, chrono::NaiveDate::from_ymd_opt(2025, 3, 10));
}

#[tokio::test]
async fn w2_one_initial_order_per_pte_and_unique_folios_ignoring_deleted_ones() {
    let app = spawn_app().await;
    app.logged_in("ana", Role::Gestor).await;
    let (first, pte) = app.create_initial("OT-1", &[]).await;

    // Only a duplicate: 409 with the field marked; with other errors: 422 with all of them.
    let response = app.post_order(None, &initial_fields(pte, "OT-2")).await;
    assert_eq!(response.status(), 409);
    assert_eq!(invalid_fields(&response.text().await.unwrap()), ["id_pte"]);
    let mut both = initial_fields(pte, "OT-2");
    set(&mut both, "id_cliente", "999");
    let response = app.post_order(None, &both).await;
    assert_eq!(response.status(), 422);
    let mut marked = invalid_fields(&response.text().await.unwrap());
    marked.sort();
    assert_eq!(marked, ["id_cliente", "id_pte"]);

    let other_pte = app.create_pte("PTE-otra", "1").await;
    let response = app
        .post_order(None, &initial_fields(other_pte, "OT-1"))
        .await;
    assert_eq!(response.status(), 409);
    assert_eq!(
        invalid_fields(&response.text().await.unwrap()),
        ["orden_trabajo"]
    );

    // Deleted orders do not count (legacy counted them).
    let token = app.csrf_from("/ot").await;
    let r = app
        .post_form(&format!("/ot/{first}/eliminar"), &[("csrf_token", &token)])
        .await;
    assert_eq!(r.status(), 303);
    let response = app.post_order(None, &initial_fields(pte, "OT-1")).await;
    assert_eq!(response.status(), 303);
}

#[tokio::test]
async fn w2_quick_creation_from_the_pte_makes_a_highlighted_por_definir_order_until_edited() {
    let app = spawn_app().await;
    app.logged_in("ana", Role::Gestor).await;
    let pte = app.create_pte("PTE-9", "2").await;
    let token = app.csrf_from(&format!("/pte/{pte}")).await;
    let response = app
        .post_form(
            &format!("/pte/{pte}/ot-rapida"),
            &[
                ("orden_trabajo", "OT-R-1"),
                ("id_tipo", "4"),
                ("csrf_token", &token),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let id = id_from_location(&response);
    let o = order(&app, id).await;
    assert_eq!(o.record_state, -1);
    assert_eq!(o.oficio, "PENDIENTE");
    assert_eq!(o.client_representative, "POR DEFINIR");
    assert_eq!(o.client_id, Some(2), "copied from the PTE");
    assert_eq!(o.description, "Rehabilitación de ductos de proceso");
    assert_eq!(o.status_id, 5);
    assert_eq!(step_rows(&app, id).await.len(), 6);

    let list = app.get("/ot").await.text().await.unwrap();
    assert_eq!(texts(&list, "tr.por-definir").len(), 1);

    // W5: the first edit makes it active.
    let mut fields = initial_fields(pte, "OT-R-1");
    set(&mut fields, "version", &o.version.to_string());
    let response = app.post_order(Some(id), &fields).await;
    assert_eq!(response.status(), 303);
    assert_eq!(order(&app, id).await.record_state, 1);
    let list = app.get("/ot").await.text().await.unwrap();
    assert!(texts(&list, "tr.por-definir").is_empty());
}

#[tokio::test]
async fn w3_steps_follow_the_rule_table_for_kind_and_client() {
    let app = spawn_app().await;
    app.logged_in("ana", Role::Gestor).await;
    let (parent, _) = app.create_initial("OT-1", &[("id_cliente", "2")]).await;
    assert_eq!(
        step_rows(&app, parent).await.len(),
        6,
        "kind 4 with client 2 still gets set 5"
    );

    for (client, expected, first) in [
        ("2", 4, "Solicitud de servicio Intercom"),
        ("1", 6, "Reunión de arranque"),
        ("5", 6, "Reunión de arranque"),
        ("", 6, "Reunión de arranque"),
    ] {
        let response = app
            .post_order(
                None,
                &[
                    ("id_tipo", "5".into()),
                    ("ot_principal", parent.to_string()),
                    ("oficio_ot", "PEP-R-2025".into()),
                    ("descripcion_trabajo", "Reprogramación".into()),
                    ("responsable_proyecto", "1".into()),
                    ("responsable_cliente", "Ing. Pérez".into()),
                    ("id_cliente", client.into()),
                ],
            )
            .await;
        assert_eq!(response.status(), 303, "client {client}");
        let rows = step_rows(&app, id_from_location(&response)).await;
        assert_eq!(rows.len(), expected, "client {client}");
        assert!(rows[0].contains(first), "client {client}: {rows:?}");
    }
}

fn reprogramming(parent: i32) -> Vec<(&'static str, String)> {
    vec![
        ("id_tipo", "5".into()),
        ("ot_principal", parent.to_string()),
        ("orden_trabajo", "OTRO-FOLIO".into()),
        ("num_reprogramacion", "77".into()),
        ("oficio_ot", "PEP-R-2025".into()),
        ("descripcion_trabajo", "Reprogramación".into()),
        ("responsable_proyecto", "1".into()),
        ("responsable_cliente", "Ing. Pérez".into()),
    ]
}

#[tokio::test]
async fn w4_reprogrammings_take_the_parents_folio_and_pte_and_a_server_assigned_revision() {
    let app = spawn_app().await;
    app.logged_in("ana", Role::Gestor).await;
    let (parent, pte) = app.create_initial("OT-1", &[]).await;
    let mut ids = Vec::new();
    for _ in 0..2 {
        let response = app.post_order(None, &reprogramming(parent)).await;
        assert_eq!(response.status(), 303);
        ids.push(id_from_location(&response));
    }
    for (i, id) in ids.iter().enumerate() {
        let o = order(&app, *id).await;
        assert_eq!(o.revision, Some(i32::try_from(i).unwrap() + 1));
        assert_eq!(o.folio, "OT-1");
        assert_eq!(o.planning_doc_id, Some(pte));
        assert_eq!(o.parent_id, Some(parent));
    }
    // The parent lists them; each links back.
    let body = app
        .get(&format!("/ot/{parent}"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(texts(&body, "#reprogramaciones tbody tr").len(), 2);
    let child = app
        .get(&format!("/ot/{}", ids[0]))
        .await
        .text()
        .await
        .unwrap();
    assert!(child.contains(&format!("href=\"/ot/{parent}\"")));

    // A reprogramming of a reprogramming, or of a deleted order, is refused.
    let response = app.post_order(None, &reprogramming(ids[0])).await;
    assert_eq!(response.status(), 422);
    assert_eq!(
        invalid_fields(&response.text().await.unwrap()),
        ["ot_principal"]
    );
    let token = app.csrf_from("/ot").await;
    app.post_form(&format!("/ot/{parent}/eliminar"), &[("csrf_token", &token)])
        .await;
    let response = app.post_order(None, &reprogramming(parent)).await;
    assert_eq!(response.status(), 422);
}

#[tokio::test]
async fn w4_concurrent_reprogrammings_of_one_order_get_distinct_revisions() {
    let app = spawn_app().await;
    app.logged_in("ana", Role::Gestor).await;
    let (parent, _) = app.create_initial("OT-1", &[]).await;
    let token = app.csrf_from("/ot").await;
    let mut form = reprogramming(parent);
    form.push(("csrf_token", token));
    let requests = (0..10).map(|_| app.client.post(app.url("/ot")).form(&form).send());
    let responses = futures_util::future::join_all(requests).await;
    for r in responses {
        assert_eq!(r.unwrap().status(), 303);
    }
    let mut revisions: Vec<i32> = app
        .db(move |c| {
            work_orders::table
                .filter(work_orders::parent_id.eq(parent))
                .select(work_orders::revision.assume_not_null())
                .load(c)
                .unwrap()
        })
        .await;
    revisions.sort();
    assert_eq!(revisions, (1..=10).collect::<Vec<i32>>());
    // Written in shared commits on SQLite (the search index once per batch): each one is found.
    let body = app
        .get("/ot?q=reprogramacion&tipo=todos")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(
        texts(&body, "#lista-ot tbody tr td:first-child a").len(),
        10,
        "{body}"
    );
}

#[tokio::test]
async fn w5_edit_clears_blank_fields_and_logs_each_changed_field() {
    let app = spawn_app().await;
    app.logged_in("ana", Role::Gestor).await;
    let (id, pte) = app
        .create_initial("OT-1", &[("fecha_inicio_real", "2025-03-02")])
        .await;
    let mut fields = initial_fields(pte, "OT-1");
    set(&mut fields, "fecha_inicio_real", "");
    set(&mut fields, "oficio_ot", "PEP-NUEVO-2026");
    set(&mut fields, "version", "1");
    set(&mut fields, "id_tipo", "5");
    let response = app.post_order(Some(id), &fields).await;
    assert_eq!(response.status(), 303);
    let o = order(&app, id).await;
    assert_eq!(o.real_start, None, "a blank date clears it");
    assert_eq!(o.oficio, "PEP-NUEVO-2026");
    assert_eq!(o.kind_id, 4, "the kind cannot change by edit");
    assert_eq!(o.version, 2);
    assert_eq!(o.list_year, Some(2026));

    let changes: Vec<(Option<String>, Option<String>, Option<String>)> = app
        .db(move |c| {
            activity_log::table
                .filter(activity_log::record_id.eq(id))
                .filter(activity_log::action.eq("editar"))
                .select((
                    activity_log::field,
                    activity_log::old_value,
                    activity_log::new_value,
                ))
                .order(activity_log::field)
                .load(c)
                .unwrap()
        })
        .await;
    assert_eq!(
        changes,
        [
            (
                Some("fecha_inicio_real".into()),
                Some("02/03/2025".into()),
                Some(String::new())
            ),
            (
                Some("oficio_ot".into()),
                Some("PEP-OT-1-2025".into()),
                Some("PEP-NUEVO-2026".into())
            ),
        ]
    );
    let body = app.get(&format!("/ot/{id}")).await.text().await.unwrap();
    assert!(texts(&body, "#historial td").contains(&"PEP-NUEVO-2026".to_owned()));
}

#[tokio::test]
async fn w5_the_second_of_two_edits_of_one_version_is_refused_naming_who_saved_first() {
    let app = spawn_app().await;
    app.logged_in("ana", Role::Gestor).await;
    let (id, pte) = app.create_initial("OT-1", &[]).await;

    let mut first = initial_fields(pte, "OT-1");
    set(&mut first, "responsable_cliente", "Primera persona");
    set(&mut first, "version", "1");
    assert_eq!(app.post_order(Some(id), &first).await.status(), 303);

    let mut second = initial_fields(pte, "OT-1");
    set(&mut second, "responsable_cliente", "Segunda persona");
    set(&mut second, "version", "1");
    let response = app.post_order(Some(id), &second).await;
    assert_eq!(response.status(), 409);
    let body = response.text().await.unwrap();
    let message = texts(&body, "#conflicto").join(" ");
    assert!(message.contains("Usuario ana"), "{message}");
    assert!(message.contains(&chrono::Utc::now().format("%Y").to_string()));
    // Nothing lost: the database keeps the first save, the form keeps the second person's text.
    assert_eq!(
        order(&app, id).await.client_representative,
        "Primera persona"
    );
    let doc = scraper::Html::parse_document(&body);
    let sel = scraper::Selector::parse("#f-responsable_cliente").unwrap();
    assert_eq!(
        doc.select(&sel).next().unwrap().value().attr("value"),
        Some("Segunda persona")
    );
}

#[tokio::test]
async fn w6_yard_phase_is_kept_for_vessels_and_cleared_when_the_front_becomes_land() {
    let app = spawn_app().await;
    app.logged_in("ana", Role::Gestor).await;
    let (id, pte) = app
        .create_initial(
            "OT-1",
            &[
                ("id_frente", "2"),
                ("id_embarcacion", "6"),
                ("id_plataforma", "9"),
                ("check_fase_patio", "on"),
                ("id_patio_fase", "2"),
                ("fecha_inicio_patio", "2025-02-01"),
                ("fecha_fin_patio", "2025-02-20"),
            ],
        )
        .await;
    let o = order(&app, id).await;
    assert!(o.requires_yard);
    assert_eq!((o.vessel_site_id, o.yard_site_id), (Some(6), Some(2)));
    assert!(o.yard_start.is_some());

    let mut fields = initial_fields(pte, "OT-1");
    for (k, v) in [
        ("id_frente", "1"),
        ("id_embarcacion", "6"),
        ("id_patio", "1"),
        ("check_fase_patio", "on"),
        ("id_patio_fase", "2"),
        ("fecha_inicio_patio", "2025-02-01"),
        ("version", "1"),
    ] {
        set(&mut fields, k, v);
    }
    assert_eq!(app.post_order(Some(id), &fields).await.status(), 303);
    let o = order(&app, id).await;
    assert!(!o.requires_yard);
    assert_eq!(o.yard_site_id, Some(1), "the land yard is the location");
    assert_eq!(o.vessel_site_id, None);
    assert_eq!((o.yard_start, o.yard_end), (None, None));
}

#[tokio::test]
async fn w7_deleted_orders_vanish_for_users_and_an_admin_can_restore_them() {
    let app = spawn_app().await;
    app.logged_in("ana", Role::Gestor).await;
    let (id, _) = app.create_initial("OT-1", &[]).await;
    app.create_initial("OT-2", &[]).await;
    let total = |body: &str| texts(body, "#total-ot")[0].clone();
    assert_eq!(total(&app.get("/ot").await.text().await.unwrap()), "2");

    let confirm = app.get(&format!("/ot/{id}/eliminar")).await;
    assert_eq!(confirm.status(), 200);
    let token = app.csrf_from("/ot").await;
    let r = app
        .post_form(&format!("/ot/{id}/eliminar"), &[("csrf_token", &token)])
        .await;
    assert_eq!(location(&r), "/ot");
    assert_eq!(total(&app.get("/ot").await.text().await.unwrap()), "1");
    assert_eq!(
        total(&app.get("/ot?q=OT-1").await.text().await.unwrap()),
        "0"
    );
    assert_eq!(app.get(&format!("/ot/{id}")).await.status(), 404);
    assert_eq!(app.get(&format!("/ot/{id}/editar")).await.status(), 404);
    assert_eq!(count_steps(&app).await, 12, "steps stay");

    let admin = crate::helpers::spawn_second_login(&app, "root", Role::Admin).await;
    assert_eq!(
        admin
            .get(app.url(&format!("/ot/{id}")))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let body = admin
        .get(app.url("/ot"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = crate::helpers::csrf_in(&body).unwrap();
    let r = admin
        .post(app.url(&format!("/ot/{id}/restaurar")))
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(order(&app, id).await.record_state, 1);
    // A gestor cannot restore.
    let token = app.csrf_from("/ot").await;
    let r = app
        .post_form(&format!("/ot/{id}/restaurar"), &[("csrf_token", &token)])
        .await;
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn consulta_reads_and_prints_but_cannot_write() {
    let app = spawn_app().await;
    app.logged_in("ana", Role::Gestor).await;
    let (id, pte) = app.create_initial("OT-1", &[]).await;

    let viewer = crate::helpers::spawn_second_login(&app, "vera", Role::Consulta).await;
    let get = |path: String| viewer.get(app.url(&path)).send();
    assert_eq!(get("/ot".into()).await.unwrap().status(), 200);
    assert_eq!(get(format!("/ot/{id}")).await.unwrap().status(), 200);
    assert_eq!(get("/pte".into()).await.unwrap().status(), 200);
    for path in [
        "/ot/nueva".to_owned(),
        format!("/ot/{id}/editar"),
        format!("/ot/{id}/eliminar"),
        "/pte/nueva".into(),
    ] {
        assert_eq!(get(path.clone()).await.unwrap().status(), 403, "{path}");
    }
    // The gestor sees the button the consulta user must not.
    let own = app.get("/ot").await.text().await.unwrap();
    assert!(texts(&own, "a.button").iter().any(|t| t == "Nueva OT"));
    let body = get("/ot".into()).await.unwrap().text().await.unwrap();
    assert!(texts(&body, "a.button").iter().all(|t| t != "Nueva OT"));
    let token = crate::helpers::csrf_in(&body).unwrap();
    let mut fields = initial_fields(pte, "OT-2");
    fields.push(("csrf_token", token.clone()));
    let posts = [
        ("/ot".to_owned(), fields.clone()),
        (format!("/ot/{id}"), fields.clone()),
        (
            format!("/ot/{id}/eliminar"),
            vec![("csrf_token", token.clone())],
        ),
        (
            "/pte".to_owned(),
            vec![("oficio_pte", "X".into()), ("csrf_token", token.clone())],
        ),
        (
            format!("/pte/{pte}/ot-rapida"),
            vec![("orden_trabajo", "Q".into()), ("csrf_token", token.clone())],
        ),
    ];
    for (path, form) in posts {
        let r = viewer
            .post(app.url(&path))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "{path}");
    }
    assert_eq!(count_orders(&app).await, 1);
    assert_eq!(order(&app, id).await.version, 1);
}

#[tokio::test]
async fn html_typed_into_any_field_is_shown_escaped_in_list_detail_print_and_history() {
    let app = spawn_app().await;
    app.logged_in("ana", Role::Gestor).await;
    let evil = "<script>alert('x')</script>";
    let (id, pte) = app
        .create_initial(
            "<b>OT</b>",
            &[
                ("descripcion_trabajo", evil),
                ("responsable_cliente", evil),
                ("comentario", evil),
                ("oficio_ot", "<img src=x onerror=alert(1)>"),
            ],
        )
        .await;
    let mut fields = initial_fields(pte, "<b>OT</b>");
    set(&mut fields, "descripcion_trabajo", "<iframe src=//evil>");
    set(&mut fields, "version", "1");
    assert_eq!(app.post_order(Some(id), &fields).await.status(), 303);
    for path in [
        "/ot".to_owned(),
        format!("/ot/{id}"),
        format!("/ot/{id}/editar"),
    ] {
        let body = app.get(&path).await.text().await.unwrap();
        for raw in ["<script>alert", "<img src=x", "<iframe", "<b>OT</b>"] {
            assert!(!body.contains(raw), "{raw} unescaped on {path}");
        }
    }
    let body = app.get(&format!("/ot/{id}")).await.text().await.unwrap();
    assert!(
        texts(&body, "#historial td")
            .iter()
            .any(|t| t.contains("<iframe src=//evil>")),
        "shown as text"
    );
}

#[tokio::test]
async fn w13_the_detail_page_prints_with_signatures_and_without_navigation() {
    let app = spawn_app().await;
    app.logged_in("ana", Role::Gestor).await;
    let (id, _) = app.create_initial("OT-1", &[]).await;
    let body = app.get(&format!("/ot/{id}")).await.text().await.unwrap();
    let doc = scraper::Html::parse_document(&body);
    let print_css = scraper::Selector::parse(
        r#"link[rel="stylesheet"][media="print"][href="/static/css/print.css"]"#,
    )
    .unwrap();
    assert_eq!(doc.select(&print_css).count(), 1);
    assert_eq!(texts(&body, ".signatures > div").len(), 3);
    assert_eq!(texts(&body, "button[data-print]"), ["Imprimir"]);
    let css = app.get("/static/css/print.css").await.text().await.unwrap();
    assert!(css.contains("size: letter"));
    assert!(css.contains(".topbar"));
    let js = app.get("/static/js/print.js").await;
    assert_eq!(js.status(), 200);
}

#[tokio::test]
async fn pte_form_validates_and_refuses_a_duplicate_folio() {
    let app = spawn_app().await;
    app.logged_in("ana", Role::Gestor).await;
    app.create_pte("PTE-1", "1").await;
    let token = app.csrf_from("/pte/nueva").await;
    let response = app
        .post_form(
            "/pte",
            &[
                ("oficio_pte", "PTE-1"),
                ("descripcion_trabajo", ""),
                ("id_cliente", "999"),
                ("csrf_token", &token),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let mut marked = invalid_fields(&response.text().await.unwrap());
    marked.sort();
    assert_eq!(
        marked,
        [
            "descripcion_trabajo",
            "id_cliente",
            "oficio_pte",
            "responsable_proyecto"
        ]
    );
}

/// The values a browser would post from a form: inputs (checkboxes when checked), the selected
/// option of each select, textareas.
fn form_values(body: &str, form: &str) -> Vec<(String, String)> {
    let doc = scraper::Html::parse_document(body);
    let controls =
        scraper::Selector::parse(&format!("{form} input, {form} select, {form} textarea")).unwrap();
    let selected = scraper::Selector::parse("option[selected]").unwrap();
    let mut out = Vec::new();
    for el in doc.select(&controls) {
        let v = el.value();
        let Some(name) = v.attr("name") else { continue };
        let value = match v.name() {
            "select" => el
                .select(&selected)
                .next()
                .and_then(|o| o.value().attr("value"))
                .unwrap_or("")
                .to_owned(),
            "textarea" => el.text().collect(),
            _ if v.attr("type") == Some("checkbox") && v.attr("checked").is_none() => continue,
            _ => v.attr("value").unwrap_or("").to_owned(),
        };
        out.push((name.to_owned(), value));
    }
    out
}

fn with(mut fields: Vec<(String, String)>, name: &str, value: &str) -> Vec<(String, String)> {
    for (k, v) in &mut fields {
        if k == name {
            *v = value.to_owned();
        }
    }
    fields
}

/// W5, two tabs: B saves a new oficio while A edits the description from the same version. A's
/// save is refused (409); the form A gets back holds B's oficio (A did not touch it) and A's
/// description, so saving again keeps both changes: a conflict never reverts a colleague's.
#[tokio::test]
async fn w5_a_conflict_keeps_the_colleagues_change_and_the_users_own() {
    let app = spawn_app().await;
    app.logged_in("ana", Role::Gestor).await;
    let (id, _) = app.create_initial("OT-1", &[]).await;
    let edit = format!("/ot/{id}/editar");
    let tab_a = form_values(&app.get(&edit).await.text().await.unwrap(), "#ot-form");
    let tab_b = form_values(&app.get(&edit).await.text().await.unwrap(), "#ot-form");
    let post = |fields: Vec<(String, String)>| {
        let app = &app;
        async move {
            let pairs: Vec<(&str, &str)> = fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            app.post_form(&format!("/ot/{id}"), &pairs).await
        }
    };

    let r = post(with(tab_b, "oficio_ot", "PEP-COLEGA-2026")).await;
    assert_eq!(r.status(), 303);

    let r = post(with(
        tab_a.clone(),
        "descripcion_trabajo",
        "Descripción de Ana",
    ))
    .await;
    assert_eq!(r.status(), 409);
    let body = r.text().await.unwrap();
    // Who saved first, and when (read apart from the order's row: `last_saved`).
    let conflict = texts(&body, "#conflicto").concat();
    let day = |t: chrono::NaiveDateTime| faena::domain::format::timestamp(t)[..10].to_owned();
    let now = chrono::Utc::now().naive_utc();
    let (today, a_minute_ago) = (day(now), day(now - chrono::Duration::minutes(1)));
    assert!(
        conflict.contains("Usuario ana guardó cambios en esta OT el ")
            && (conflict.contains(&today) || conflict.contains(&a_minute_ago)),
        "{conflict}"
    );
    let again = form_values(&body, "#ot-form");
    let value = |name: &str| {
        again
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    assert_eq!(
        value("oficio_ot"),
        "PEP-COLEGA-2026",
        "the colleague's value"
    );
    assert_eq!(value("descripcion_trabajo"), "Descripción de Ana");
    assert_eq!(
        texts(&body, "#diferencias li").len(),
        0,
        "no field was changed by both"
    );

    let r = post(again).await;
    assert_eq!(r.status(), 303);
    let saved = order(&app, id).await;
    assert_eq!(saved.oficio, "PEP-COLEGA-2026");
    assert_eq!(saved.description, "Descripción de Ana");

    // Both change the same field: the form keeps the user's value and shows both.
    let tab_a = form_values(&app.get(&edit).await.text().await.unwrap(), "#ot-form");
    let tab_b = form_values(&app.get(&edit).await.text().await.unwrap(), "#ot-form");
    assert_eq!(
        post(with(tab_b, "responsable_cliente", "Ing. Colega"))
            .await
            .status(),
        303
    );
    let r = post(with(tab_a, "responsable_cliente", "Ing. Ana")).await;
    assert_eq!(r.status(), 409);
    let body = r.text().await.unwrap();
    let differences = texts(&body, "#diferencias li");
    assert_eq!(differences.len(), 1, "{differences:?}");
    assert!(
        differences[0].contains("Responsable del cliente")
            && differences[0].contains("actual: Ing. Colega")
            && differences[0].contains("suyo: Ing. Ana"),
        "{differences:?}"
    );
    let again = form_values(&body, "#ot-form");
    assert!(again.contains(&("responsable_cliente".to_owned(), "Ing. Ana".to_owned())));
    assert_eq!(order(&app, id).await.client_representative, "Ing. Colega");
}

/// W7 and issue 12 §9: an administrator finds the deleted orders in the list ("Eliminadas") to
/// restore them; for anyone else the filter does not exist and deleted orders stay hidden.
#[tokio::test]
async fn w7_only_administrators_list_the_deleted_orders() {
    let app = spawn_app().await;
    app.logged_in("ana", Role::Gestor).await;
    let (gone, _) = app.create_initial("OT-BORRADA", &[]).await;
    app.create_initial("OT-VIVA", &[]).await;
    let token = app.csrf_from("/ot").await;
    let r = app
        .post_form(&format!("/ot/{gone}/eliminar"), &[("csrf_token", &token)])
        .await;
    assert_eq!(r.status(), 303);

    let folios = |body: &str| texts(body, "#lista-ot tbody td:first-child a");
    let own = app.get("/ot?eliminadas=1").await.text().await.unwrap();
    assert_eq!(folios(&own), ["OT-VIVA"], "ignored for a gestor");
    assert!(texts(&own, "label[for=eliminadas]").is_empty());

    let admin = crate::helpers::spawn_second_login(&app, "root", Role::Admin).await;
    let get = async |path: &str| -> String {
        let r = admin.get(app.url(path)).send().await.unwrap();
        r.text().await.unwrap()
    };
    let listed = get("/ot").await;
    assert_eq!(folios(&listed), ["OT-VIVA"]);
    assert_eq!(texts(&listed, "label[for=eliminadas]"), ["Eliminadas"]);
    let deleted = get("/ot?eliminadas=1").await;
    assert_eq!(folios(&deleted), ["OT-BORRADA"]);
    assert_eq!(texts(&deleted, "#lista-ot .tag.danger"), ["ELIMINADA"]);
}

/// Issue 12 §8: a form opened from its PTE (kind and PTE fixed) keeps that shape after an error.
#[tokio::test]
async fn w1_a_form_opened_from_a_pte_keeps_its_fixed_kind_after_an_error() {
    let app = spawn_app().await;
    app.logged_in("ana", Role::Gestor).await;
    let pte = app.create_pte("PTE-9", "1").await;
    let page = app
        .get(&format!("/ot/nueva?pte={pte}"))
        .await
        .text()
        .await
        .unwrap();
    let shape = |body: &str| {
        let doc = scraper::Html::parse_document(body);
        let count = |css: &str| doc.select(&scraper::Selector::parse(css).unwrap()).count();
        (
            count("select#f-id_tipo"),
            count("input[type=hidden][name=id_tipo]"),
            count("input[type=hidden][name=id_pte]"),
            count("input[type=hidden][name=fijo][value='1']"),
        )
    };
    assert_eq!(shape(&page), (0, 1, 1, 1), "fixed when opened from the PTE");
    let token = crate::helpers::csrf_in(&page).unwrap();
    let r = app
        .post_form(
            "/ot",
            &[
                ("csrf_token", token.as_str()),
                ("fijo", "1"),
                ("id_tipo", "4"),
                ("id_pte", &pte.to_string()),
                ("orden_trabajo", "OT-9"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert_eq!(shape(&r.text().await.unwrap()), (0, 1, 1, 1), "still fixed");
}

/// Issue 12 §8: amounts show grouped in the edit form ("1,234,567.80"), and saving the form
/// unchanged keeps them exact.
#[tokio::test]
async fn w5_amounts_show_grouped_in_the_edit_form_and_save_back_unchanged() {
    let app = spawn_app().await;
    app.logged_in("ana", Role::Gestor).await;
    let (id, _) = app
        .create_initial("OT-MONTO", &[("monto_mxn", "1234567.8")])
        .await;
    let page = app
        .get(&format!("/ot/{id}/editar"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(
        crate::helpers::attr(&page, "#f-monto_mxn", "value"),
        "1,234,567.80"
    );
    let fields = form_values(&page, "#ot-form");
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        app.post_form(&format!("/ot/{id}"), &pairs).await.status(),
        303
    );
    assert_eq!(order(&app, id).await.amount_mxn, 123_456_780);
}

/// Issue 11: the kind is parsed once. Quick creation from the PTE's page refuses an unknown kind
/// (422, nothing written) as the JSON API does, where it used to create an INICIAL order.
#[tokio::test]
async fn w2_quick_creation_refuses_an_unknown_kind_on_the_page_and_the_api_alike() {
    let app = spawn_app().await;
    app.logged_in("ana", Role::Gestor).await;
    let pte = app.create_pte("PTE-7", "1").await;
    let token = app.csrf_from(&format!("/pte/{pte}")).await;
    let response = app
        .post_form(
            &format!("/pte/{pte}/ot-rapida"),
            &[
                ("orden_trabajo", "OT-X-1"),
                ("id_tipo", "7"),
                ("csrf_token", &token),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let body = response.text().await.unwrap();
    assert!(
        body.contains("El tipo debe ser 4 (INICIAL) o 5 (REPROGRAMACIÓN)."),
        "{body}"
    );
    let api = app
        .client
        .post(app.url("/operaciones/ot/crear-desde-pte/"))
        .header("x-csrf-token", &token)
        .form(&[
            ("pte_id", pte.to_string()),
            ("tipo_ot", "7".to_owned()),
            ("oficio", "OT-X-1".to_owned()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), 422);
    let answer: serde_json::Value = api.json().await.unwrap();
    assert_eq!(
        answer["errores"]["id_tipo"],
        "El tipo debe ser 4 (INICIAL) o 5 (REPROGRAMACIÓN)."
    );
    assert_eq!(count_orders(&app).await, 0);
}

/// Issue 12 §8 and W4: "Reprogramar" offers the parent's yard phase (its dates stay empty).
#[tokio::test]
async fn w4_a_reprogramming_is_offered_the_parents_yard_phase() {
    let app = spawn_app().await;
    app.logged_in("ana", Role::Gestor).await;
    let (parent, _) = app
        .create_initial(
            "OT-PATIO",
            &[
                ("id_frente", "2"),
                ("id_embarcacion", "6"),
                ("check_fase_patio", "on"),
                ("id_patio_fase", "3"),
                ("fecha_inicio_patio", "2025-02-01"),
                ("fecha_fin_patio", "2025-02-15"),
            ],
        )
        .await;
    let page = app
        .get(&format!("/ot/nueva?padre={parent}"))
        .await
        .text()
        .await
        .unwrap();
    let doc = scraper::Html::parse_document(&page);
    let count = |css: &str| doc.select(&scraper::Selector::parse(css).unwrap()).count();
    assert_eq!(count("#f-check_fase_patio[checked]"), 1);
    assert_eq!(count("#f-id_patio_fase option[value='3'][selected]"), 1);
    assert_eq!(
        crate::helpers::attr(&page, "#f-fecha_inicio_patio", "value"),
        "",
        "dates stay empty"
    );
}

/// Issue 12 §8: the PTE and parent pickers search every PTE a new order can come from and every
/// initial order, by folio or description, with no cap (the oldest of 800 is found), each
/// suggestion carrying what its choice pre-fills; without script the typed folio is enough, and
/// an unknown one is refused on its field.
#[tokio::test]
async fn w1_the_pickers_find_any_pte_or_parent_and_a_typed_folio_is_enough() {
    let app = spawn_app().await;
    app.logged_in("ana", Role::Gestor).await;
    let now = chrono::Utc::now().naive_utc();
    app.db(move |c| faena::seed::seed_demo(c, 1200, now).unwrap())
        .await;
    let pte = app.create_pte("PTE-LIBRE-1", "5").await;
    let json =
        async |path: &str| -> serde_json::Value { app.get(path).await.json().await.unwrap() };
    // Only PTEs without their initial order are offered: the seeded ones all have one.
    let found = json("/ot/opciones/pte?q=libre").await;
    assert_eq!(found.as_array().unwrap().len(), 1, "{found}");
    assert_eq!(found[0]["folio"], "PTE-LIBRE-1");
    assert_eq!(found[0]["fill"]["id_cliente"], "5");
    assert_eq!(
        found[0]["fill"]["descripcion_trabajo"],
        "Rehabilitación de ductos de proceso"
    );
    assert_eq!(json("/ot/opciones/pte?q=DUCTOS").await, found, "case aside");
    assert_eq!(
        json("/ot/opciones/pte?q=PTE-000").await,
        serde_json::json!([])
    );

    let (oldest, oldest_folio): (i32, String) = app
        .db(|c| {
            work_orders::table
                .filter(work_orders::kind_id.eq(4))
                .order(work_orders::id.asc())
                .select((work_orders::id, work_orders::folio))
                .first(c)
                .unwrap()
        })
        .await;
    let parents = json(&format!("/ot/opciones/principal?q={oldest_folio}")).await;
    assert_eq!(parents[0]["folio"], oldest_folio.as_str(), "{parents}");
    assert!(
        parents[0]["fill"]["descripcion_trabajo"]
            .as_str()
            .is_some_and(|d| !d.is_empty())
    );
    let newest = json("/ot/opciones/principal").await;
    assert_eq!(
        newest.as_array().unwrap().len(),
        20,
        "the 20 newest when nothing is typed"
    );

    // The form's fields are the pickers: a text input of the folio, no select of 500.
    let form = app.get("/ot/nueva").await.text().await.unwrap();
    assert!(form.contains(r#"name="folio_pte""#) && form.contains(r#"name="folio_principal""#));
    assert!(!form.contains(r#"<select id="f-id_pte""#));

    // Without script: the typed folio names the PTE, or the parent.
    let mut fields = initial_fields(pte, "OT-LIBRE-1");
    set(&mut fields, "id_pte", "");
    set(&mut fields, "folio_pte", " PTE-LIBRE-1 ");
    let r = app.post_order(None, &fields).await;
    assert_eq!(r.status(), 303);
    let created = id_from_location(&r);
    let order = app
        .db(move |c| repo::find(c, created).unwrap().unwrap())
        .await;
    assert_eq!(order.planning_doc_id, Some(pte));
    let mut unknown = initial_fields(pte, "OT-LIBRE-2");
    set(&mut unknown, "id_pte", "");
    set(&mut unknown, "folio_pte", "PTE-NO-EXISTE");
    set(&mut unknown, "descripcion_trabajo", " ");
    let r = app.post_order(None, &unknown).await;
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    let mut marked = invalid_fields(&body);
    marked.sort();
    assert_eq!(
        marked,
        ["descripcion_trabajo", "id_pte"],
        "the form's errors together"
    );
    assert!(body.contains("No hay una PTE con el folio «PTE-NO-EXISTE»."));
    assert!(
        body.contains(r#"value="PTE-NO-EXISTE""#),
        "the typed folio is kept"
    );

    let mut child = reprogramming(0);
    set(&mut child, "ot_principal", "");
    set(&mut child, "folio_principal", &oldest_folio);
    let r = app.post_order(None, &child).await;
    assert_eq!(r.status(), 303);
    let created = id_from_location(&r);
    let order = app
        .db(move |c| repo::find(c, created).unwrap().unwrap())
        .await;
    assert_eq!(order.parent_id, Some(oldest));

    // Read-only users get no suggestions.
    let reader = crate::helpers::spawn_second_login(&app, "carla", Role::Consulta).await;
    for path in ["/ot/opciones/pte?q=libre", "/ot/opciones/principal"] {
        let r = reader.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), 403, "{path}");
    }
}

/// The order page names the order's PTE by its folio, read with the order in one query; a
/// deleted PTE is not named (W7: deleted records never leak into a page).
#[tokio::test]
async fn w7_the_order_page_names_its_pte_unless_the_pte_was_deleted() {
    let app = spawn_app().await;
    app.logged_in("ana", Role::Gestor).await;
    let (id, pte) = app.create_initial("OT-PTE-1", &[]).await;
    let page = app.get(&format!("/ot/{id}")).await.text().await.unwrap();
    assert!(page.contains("PTE-OT-PTE-1"), "the PTE's folio is shown");
    app.db(move |c| {
        diesel::update(
            faena::db::schema::planning_docs::table
                .filter(faena::db::schema::planning_docs::id.eq(pte)),
        )
        .set(faena::db::schema::planning_docs::record_state.eq(0))
        .execute(c)
        .unwrap();
    })
    .await;
    let response = app.get(&format!("/ot/{id}")).await;
    assert_eq!(response.status(), 200);
    let page = response.text().await.unwrap();
    assert!(page.contains("OT-PTE-1"), "the order itself still shows");
    assert!(!page.contains("PTE-OT-PTE-1"), "a deleted PTE is not named");
}
