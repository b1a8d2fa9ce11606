//! The legacy JSON API under /operaciones/ot/: same rules as the forms, honest statuses.

use diesel::prelude::*;
use faena::db::schema::{steps, work_orders};
use faena::db::work_orders as repo;
use faena::domain::role::Role;
use serde_json::Value;

use crate::helpers::{TestApp, initial_fields, set, spawn_app_with};

async fn app() -> TestApp {
    let app = spawn_app_with(|c| {
        c.fixed_today = Some(chrono::NaiveDate::from_ymd_opt(2025, 3, 6).unwrap())
    })
    .await;
    app.logged_in("ana", Role::Gestor).await;
    app
}

async fn post(app: &TestApp, path: &str, form: &[(&str, String)]) -> (u16, Value) {
    let token = app.csrf_from("/ot").await;
    let r = app
        .client
        .post(app.url(&format!("/operaciones/ot/{path}")))
        .header("x-csrf-token", token)
        .form(form)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn get(app: &TestApp, path: &str) -> (u16, Value) {
    let r = app.get(&format!("/operaciones/ot/{path}")).await;
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// The exact field set the legacy front end posts for create, untouched fields empty.
fn legacy_create(pte: i32, folio: &str) -> Vec<(&'static str, String)> {
    let mut f = initial_fields(pte, folio);
    for (k, v) in [
        ("comentario_general", "Desde el front anterior"),
        ("plazo_dias", ""),
        ("id_frente", "2"),
        ("id_embarcacion", "6"),
        ("id_plataforma", ""),
        ("id_intercom", ""),
        ("id_patio", ""),
        ("check_fase_patio", "on"),
        ("id_patio_fase", "3"),
        ("fecha_inicio_patio", "2025-02-01"),
        ("fecha_fin_patio", "2025-02-15"),
        ("fecha_inicio_real", ""),
        ("fecha_termino_real", ""),
        ("ot_principal", ""),
        ("num_reprogramacion", ""),
    ] {
        set(&mut f, k, v);
    }
    f
}

#[tokio::test]
async fn api_create_with_the_legacy_field_set_answers_id_nuevo_and_keeps_every_rule() {
    let app = app().await;
    let pte = app.create_pte("PTE-API-1", "2").await;
    let (status, body) = post(
        &app,
        "crear-ot-reprogramacion/",
        &legacy_create(pte, "OT-API-1"),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["exito"], true);
    assert_eq!(body["tipo_aviso"], "exito");
    let id = i32::try_from(body["id_nuevo"].as_i64().unwrap()).unwrap();
    let o = app.db(move |c| repo::find(c, id).unwrap().unwrap()).await;
    assert_eq!(o.comment, "Desde el front anterior");
    assert_eq!(o.client_id, Some(1), "the client posted is kept");
    assert!(o.requires_yard, "yard phase on create (legacy ignored it)");
    assert_eq!((o.yard_site_id, o.vessel_site_id), (Some(3), Some(6)));
    let n: i64 = app
        .db(move |c| {
            steps::table
                .filter(steps::work_order_id.eq(id))
                .count()
                .get_result(c)
                .unwrap()
        })
        .await;
    assert_eq!(n, 6);

    // Validation: 422 with a message per field, nothing written.
    let mut bad = legacy_create(pte, "");
    set(&mut bad, "monto_mxn", "-5");
    let (status, body) = post(&app, "crear-ot-reprogramacion/", &bad).await;
    assert_eq!(status, 422);
    assert_eq!(body["exito"], false);
    assert!(body["errores"]["orden_trabajo"].is_string());
    assert!(body["errores"]["monto_mxn"].is_string());
    let total: i64 = app
        .db(|c| work_orders::table.count().get_result(c).unwrap())
        .await;
    assert_eq!(total, 1);
}

#[tokio::test]
async fn api_and_form_with_the_same_input_leave_identical_rows() {
    let app = app().await;
    let pte_a = app.create_pte("PTE-A", "1").await;
    let pte_b = app.create_pte("PTE-B", "1").await;
    let mut form = legacy_create(pte_a, "OT-PAR");
    set(&mut form, "comentario", "Mismo comentario");
    form.retain(|(k, _)| *k != "comentario_general");
    let r = app.post_order(None, &form).await;
    assert_eq!(r.status(), 303);
    let html_id = crate::helpers::id_from_location(&r);
    set(&mut form, "id_pte", &pte_b.to_string());
    set(&mut form, "orden_trabajo", "OT-PAR-2");
    let (status, body) = post(&app, "crear-ot-reprogramacion/", &form).await;
    assert_eq!(status, 200, "{body}");
    let api_id = i32::try_from(body["id_nuevo"].as_i64().unwrap()).unwrap();
    let (a, b) = app
        .db(move |c| {
            (
                repo::find(c, html_id).unwrap().unwrap(),
                repo::find(c, api_id).unwrap().unwrap(),
            )
        })
        .await;
    let normalise = |mut o: repo::WorkOrder| {
        o.id = 0;
        o.planning_doc_id = None;
        o.folio.clear();
        o
    };
    assert_eq!(normalise(a), normalise(b));
}

#[tokio::test]
async fn api_edit_checks_the_version_when_sent_and_answers_honest_statuses() {
    let app = app().await;
    let (id, pte) = app.create_initial("OT-1", &[]).await;
    let (status, body) = get(&app, &format!("obtener_datos/?id={id}")).await;
    assert_eq!(status, 200);
    let datos = &body["datos"];
    assert_eq!(datos["version"], 1);
    assert_eq!(datos["descripcion_tipo"], "INICIAL");
    assert_eq!(datos["monto_mxn"], "1234567.89");
    assert_eq!(datos["fecha_termino_programado"], "2025-03-31");
    assert_eq!(datos["pte_padre"], "PTE-OT-1");
    assert_eq!(datos["estatus"], 1);
    assert_eq!(body["exito"], true);
    assert_eq!(datos["fecha_inicio_real"], serde_json::Value::Null);
    // Exactly the keys the edit dialog reads (the row is a struct serialized as it is).
    assert_keys(
        datos,
        &[
            "id",
            "id_tipo_id",
            "id_frente",
            "id_embarcacion",
            "id_plataforma",
            "id_intercom",
            "id_cliente",
            "id_patio",
            "descripcion_tipo",
            "estatus_ot",
            "responsable_proyecto",
            "responsable_cliente",
            "id_pte_id",
            "pte_padre",
            "oficio_ot",
            "estatus",
            "orden_trabajo",
            "descripcion_trabajo",
            "fecha_inicio_programado",
            "fecha_inicio_real",
            "fecha_termino_programado",
            "fecha_termino_real",
            "comentario",
            "ot_principal",
            "num_reprogramacion",
            "monto_mxn",
            "monto_usd",
            "plazo_dias",
            "requiere_patio",
            "fecha_inicio_patio",
            "fecha_fin_patio",
            "version",
        ],
    );

    let mut form = initial_fields(pte, "OT-1");
    form.push(("id", id.to_string()));
    set(&mut form, "responsable_cliente", "Sin versión");
    let (status, _) = post(&app, "editar/", &form).await;
    assert_eq!(status, 200, "legacy clients do not send a version");
    set(&mut form, "version", "1");
    let (status, body) = post(&app, "editar/", &form).await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["tipo_aviso"], "advertencia");
    set(&mut form, "version", "2");
    set(&mut form, "fecha_inicio_programado", "31/02/2025");
    let (status, body) = post(&app, "editar/", &form).await;
    assert_eq!(status, 422);
    assert!(body["errores"]["fecha_inicio_programado"].is_string());
    let (status, _) = post(&app, "editar/", &[("orden_trabajo", "X".into())]).await;
    assert_eq!(status, 400, "missing id");
    set(&mut form, "id", "9999");
    let (status, _) = post(&app, "editar/", &form).await;
    assert_eq!(status, 404);
    let o = app.db(move |c| repo::find(c, id).unwrap().unwrap()).await;
    assert_eq!(o.client_representative, "Sin versión");
    assert_eq!(o.version, 2);
}

#[tokio::test]
async fn api_delete_status_and_quick_creation_follow_w2_w7_w8() {
    let app = app().await;
    let (id, _) = app.create_initial("OT-1", &[]).await;
    let (status, _) = post(
        &app,
        "cambiar_estatus_ot/",
        &[
            ("ot_id", id.to_string()),
            ("nuevo_estatus_id", "10".into()),
            ("fecha_entrega", "".into()),
            ("comentario", "Listo".into()),
        ],
    )
    .await;
    assert_eq!(status, 200);
    let o = app.db(move |c| repo::find(c, id).unwrap().unwrap()).await;
    assert_eq!(
        (o.status_id, o.real_end),
        (10, chrono::NaiveDate::from_ymd_opt(2025, 3, 6))
    );
    let (status, body) = post(
        &app,
        "cambiar_estatus_ot/",
        &[("ot_id", id.to_string()), ("nuevo_estatus_id", "1".into())],
    )
    .await;
    assert_eq!(status, 422, "{body}");

    let pte = app.create_pte("PTE-Q", "1").await;
    let (status, body) = post(
        &app,
        "crear-desde-pte/",
        &[
            ("pte_id", pte.to_string()),
            ("oficio", "OT-Q".into()),
            ("tipo_ot", "4".into()),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let quick = i32::try_from(body["id_nuevo"].as_i64().unwrap()).unwrap();
    let (status, _) = post(
        &app,
        "cambiar_estatus_ot/",
        &[
            ("ot_id", quick.to_string()),
            ("nuevo_estatus_id", "8".into()),
        ],
    )
    .await;
    assert_eq!(status, 409, "POR DEFINIR first needs an edit");
    let (status, body) = post(
        &app,
        "crear-desde-pte/",
        &[("pte_id", pte.to_string()), ("oficio", "OT-Q2".into())],
    )
    .await;
    assert!(body["errores"]["id_pte"].is_string(), "{body}");
    assert_eq!(status, 409, "one initial OT per PTE");

    let (status, _) = post(&app, "eliminar/", &[("id", id.to_string())]).await;
    assert_eq!(status, 200);
    assert_eq!(get(&app, &format!("obtener_datos/?id={id}")).await.0, 404);
    assert_eq!(
        post(&app, "eliminar/", &[("id", id.to_string())]).await.0,
        404
    );
    let (_, list) = get(&app, "obtener_ot_iniciales/").await;
    let ids: Vec<i64> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [i64::from(quick)], "deleted orders are not offered");
}

#[tokio::test]
async fn api_step_endpoints_keep_w9() {
    let app = app().await;
    let (id, _) = app.create_initial("OT-1", &[]).await;
    let (status, table) = get(
        &app,
        &format!("detalle/datatable/?ot_id={id}&draw=3&start=0&length=10"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(table["draw"], 3);
    assert_eq!(table["recordsTotal"], 6);
    let step = table["data"][0]["id"].as_i64().unwrap().to_string();

    let (status, _) = post(
        &app,
        "cambiar_estatus_paso/",
        &[("paso_id", step.clone()), ("nuevo_estatus", "3".into())],
    )
    .await;
    assert_eq!(status, 200);
    let (_, table) = get(&app, &format!("detalle/datatable/?ot_id={id}")).await;
    assert_eq!(table["data"][0]["fecha_entrega"], "06/03/2025");
    assert_eq!(table["data"][0]["estatus_texto"], "COMPLETADO");

    let (status, _) = post(
        &app,
        "actualizar-fecha/",
        &[
            ("id_paso", step.clone()),
            ("fecha", "2025-03-01".into()),
            ("tipo", "1".into()),
        ],
    )
    .await;
    assert_eq!(status, 422, "dates are locked while COMPLETADO");
    let (status, _) = post(
        &app,
        "actualizar-fecha/",
        &[
            ("id_paso", step.clone()),
            ("fecha", "2025-03-01".into()),
            ("tipo", "9".into()),
        ],
    )
    .await;
    assert_eq!(status, 400);
    let (status, _) = post(
        &app,
        "actualizar-fecha/",
        &[
            ("id_paso", step.clone()),
            ("fecha", "2025-03-02".into()),
            ("tipo", "3".into()),
        ],
    )
    .await;
    assert_eq!(status, 200);
    let (status, body) = post(
        &app,
        "guardar_archivo_ot/",
        &[
            ("paso_id", step.clone()),
            ("archivo", "javascript:alert(1)".into()),
        ],
    )
    .await;
    assert_eq!(status, 422, "{body}");
    let (status, _) = post(
        &app,
        "guardar_archivo_ot/",
        &[
            ("paso_id", step.clone()),
            ("archivo", "https://drive.example.mx/x".into()),
        ],
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = post(
        &app,
        "cambiar_estatus_paso/",
        &[("paso_id", "99999".into()), ("nuevo_estatus", "2".into())],
    )
    .await;
    assert_eq!(status, 404);
    let (_, table) = get(&app, &format!("detalle/datatable/?ot_id={id}")).await;
    assert_eq!(table["data"][0]["archivo"], "https://drive.example.mx/x");
    assert_eq!(table["data"][0]["fecha_entrega"], "02/03/2025");

    let (status, p) = get(&app, &format!("obtener_progreso_general_ot/?ot_id={id}")).await;
    assert_eq!(status, 200);
    // 01/03–31/03 today 06/03: 5 of 31 days = 16 %; 1 of 6 steps = 16 %; combined 16.
    assert_eq!(
        (
            p["progreso_tiempo"].as_i64(),
            p["progreso_pasos"].as_i64(),
            p["progreso"].as_i64()
        ),
        (Some(16), Some(16), Some(16))
    );
    assert_eq!(p["pasos_completados"], 1);
}

#[tokio::test]
async fn api_answers_json_for_role_csrf_and_lookup_errors() {
    let app = app().await;
    let (id, _) = app.create_initial("OT-1", &[]).await;
    // No CSRF token: 403 JSON, nothing changed.
    let r = app
        .client
        .post(app.url("/operaciones/ot/eliminar/"))
        .form(&[("id", id.to_string())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["exito"], false);
    // A consulta user: 403 JSON.
    let viewer = crate::helpers::spawn_second_login(&app, "vera", Role::Consulta).await;
    let page = viewer
        .get(app.url("/ot"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = crate::helpers::csrf_in(&page).unwrap();
    let r = viewer
        .post(app.url("/operaciones/ot/eliminar/"))
        .header("x-csrf-token", token)
        .form(&[("id", id.to_string())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["tipo_aviso"], "error");
    assert_eq!(
        app.db(move |c| repo::find(c, id).unwrap().unwrap())
            .await
            .record_state,
        1
    );
    // Lookups.
    let (status, sites) = get(&app, "obtener_sitios_frente/?frente_id=6").await;
    assert_eq!(status, 200);
    assert_eq!(sites.as_array().unwrap().len(), 3, "active vessels");
    let (_, all) = get(&app, "obtener_sitios/").await;
    assert_eq!(
        all.as_array().unwrap().len(),
        12,
        "active sites of every category"
    );
    assert_eq!(get(&app, "obtener_sitios_frente/?frente_id=x").await.0, 400);
    assert_eq!(get(&app, "obtener_datos/?id=abc").await.0, 400);
}

#[tokio::test]
async fn api_datatable_pages_filters_and_orders_with_legacy_keys() {
    let app = app().await;
    let mut ids = Vec::new();
    for (i, folio) in ["C-3", "A-1", "B-2"].iter().enumerate() {
        let client = if i == 0 { "5" } else { "1" };
        ids.push(app.create_initial(folio, &[("id_cliente", client)]).await.0);
    }
    let repro = post(
        &app,
        "crear-ot-reprogramacion/",
        &[
            ("id_tipo", "5".into()),
            ("ot_principal", ids[0].to_string()),
            ("oficio_ot", "R".into()),
            ("descripcion_trabajo", "R".into()),
            ("responsable_proyecto", "1".into()),
            ("responsable_cliente", "R".into()),
        ],
    )
    .await;
    assert_eq!(repro.0, 200);
    let (status, t) = get(
        &app,
        "datatable/?draw=7&start=0&length=2&order%5B0%5D%5Bcolumn%5D=2&order%5B0%5D%5Bdir%5D=asc",
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(t["draw"], 7);
    assert_eq!(t["recordsTotal"], 4, "every visible order");
    assert_eq!(t["recordsFiltered"], 3, "kind 4 by default");
    // One parse of the kind filter for the page and the datatable: `todos` is every kind.
    let (_, every) = get(&app, "datatable/?tipo=todos").await;
    assert_eq!(every["recordsFiltered"], 4);
    let (_, reprogrammings) = get(&app, "datatable/?tipo=5").await;
    assert_eq!(reprogrammings["recordsFiltered"], 1);
    // The legacy kind names, without accent.
    assert_eq!(
        reprogrammings["data"][0]["descripcion_tipo"],
        "REPROGRAMACION"
    );
    assert_eq!(t["data"][0]["descripcion_tipo"], "INICIAL");
    let folios: Vec<&str> = t["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["orden_trabajo"].as_str().unwrap())
        .collect();
    assert_eq!(folios, ["A-1", "B-2"]);
    let row = &t["data"][0];
    for key in [
        "id_tipo_id",
        "estatus_ot_texto",
        "pte_padre",
        "fecha_inicio_programada",
        "progreso_final",
        "plazo_total_real",
        "count_reprogramaciones",
        "tiene_reprogramaciones",
    ] {
        assert!(row.get(key).is_some(), "{key}");
    }
    // Exactly the legacy row's keys (legacy-ot-module.md), plus the manager's name and the
    // amounts: the row is a struct serialized as it is, and a key left out or renamed fails here.
    assert_keys(
        row,
        &[
            "id",
            "id_tipo_id",
            "id_frente",
            "id_embarcacion",
            "id_plataforma",
            "id_intercom",
            "id_patio",
            "descripcion_tipo",
            "estatus",
            "estatus_numero",
            "estatus_ot_id",
            "estatus_ot_texto",
            "responsable_proyecto",
            "responsable_cliente",
            "id_pte_id",
            "pte_padre",
            "oficio_ot",
            "orden_trabajo",
            "descripcion_trabajo",
            "fecha_inicio_programada",
            "fecha_inicio_real",
            "fecha_termino_programada",
            "fecha_termino_real",
            "comentario",
            "ot_principal",
            "plazo_dias",
            "num_reprogramacion",
            "total_pasos",
            "pasos_completados",
            "progreso_pasos",
            "progreso_tiempo",
            "progreso_final",
            "dias_restantes",
            "dias_transcurridos",
            "plazo_total",
            "progreso_tiempo_real",
            "progreso_final_real",
            "dias_restantes_real",
            "dias_transcurridos_real",
            "plazo_total_real",
            "tiene_reprogramaciones",
            "count_reprogramaciones",
            "responsable_proyecto_texto",
            "monto_mxn",
            "monto_usd",
        ],
    );
    assert_eq!(row["fecha_inicio_real"], serde_json::Value::Null);
    assert_eq!(
        row["responsable_proyecto_texto"]
            .as_str()
            .map(str::is_empty),
        Some(false)
    );
    assert_eq!(row["fecha_inicio_programada"], "01/03/2025");
    let (_, t) = get(
        &app,
        "datatable/?start=2&length=2&order%5B0%5D%5Bcolumn%5D=2&order%5B0%5D%5Bdir%5D=asc",
    )
    .await;
    assert_eq!(t["data"][0]["orden_trabajo"], "C-3");
    assert_eq!(t["data"][0]["count_reprogramaciones"], 1);
    let (_, t) = get(
        &app,
        "datatable/?order%5B0%5D%5Bcolumn%5D=2&order%5B0%5D%5Bdir%5D=desc",
    )
    .await;
    assert_eq!(t["data"][0]["orden_trabajo"], "C-3");
    let (_, t) = get(&app, "datatable/?id_cliente=5").await;
    assert_eq!(t["recordsFiltered"], 1);
    let (_, t) = get(&app, "datatable/?filtro=b-2").await;
    assert_eq!(t["recordsFiltered"], 1);
    let (_, t) = get(&app, &format!("datatable/?tipo=5&ot_principal={}", ids[0])).await;
    assert_eq!(t["recordsFiltered"], 1);
    let (_, t) = get(&app, "datatable/?length=-1&estatus=abc").await;
    assert_eq!(
        t["data"].as_array().unwrap().len(),
        3,
        "-1 is all (bounded); bad filters ignored"
    );
    // recordsTotal comes from the count cache: a deletion shows at once.
    let (status, _) = post(&app, "eliminar/", &[("id", ids[1].to_string())]).await;
    assert_eq!(status, 200);
    let (_, after) = get(&app, "datatable/?tipo=todos").await;
    assert_eq!(
        after["recordsTotal"], 3,
        "the deleted order is no longer counted"
    );
    assert_eq!(after["recordsFiltered"], 3);
}

#[tokio::test]
async fn openapi_describes_every_api_route_and_only_those() {
    let app = app().await;
    let (status, spec) = {
        let r = app.get("/api/openapi.json").await;
        (r.status().as_u16(), r.json::<Value>().await.unwrap())
    };
    assert_eq!(status, 200);
    assert_eq!(spec["openapi"], "3.0.3");
    let mut described: Vec<(String, String)> = faena::routes::api::openapi::described()
        .into_iter()
        .map(|(m, p)| (m.to_uppercase(), p.to_owned()))
        .collect();
    let mut routed: Vec<(String, String)> = faena::routes::table()
        .into_iter()
        .filter(|r| r.path.starts_with("/operaciones/"))
        .map(|r| (r.method.to_string(), r.path.to_owned()))
        .collect();
    described.sort();
    routed.sort();
    assert_eq!(described, routed);
    for (method, path) in &described {
        assert!(
            spec["paths"][path][method.to_lowercase()]["responses"]["422"].is_object(),
            "{method} {path}"
        );
    }
}

#[tokio::test]
async fn every_api_mutation_refuses_a_missing_token_and_a_read_only_role_with_json_403() {
    let app = app().await;
    let (id, _) = app.create_initial("OT-1", &[]).await;
    let viewer = crate::helpers::spawn_second_login(&app, "vera", Role::Consulta).await;
    let page = viewer
        .get(app.url("/ot"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = crate::helpers::csrf_in(&page).unwrap();
    let before = app.db(move |c| repo::find(c, id).unwrap().unwrap()).await;
    let posts: Vec<String> = faena::routes::table()
        .into_iter()
        .filter(|r| {
            r.path.starts_with("/operaciones/") && r.method == actix_web::http::Method::POST
        })
        .map(|r| r.path.to_owned())
        .collect();
    assert_eq!(posts.len(), 9);
    let form = [
        ("id", id.to_string()),
        ("ot_id", id.to_string()),
        ("nuevo_estatus_id", "8".to_owned()),
    ];
    for path in &posts {
        let r = app
            .client
            .post(app.url(path))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "no token: {path}");
        assert_eq!(r.json::<Value>().await.unwrap()["exito"], false, "{path}");
        let r = viewer
            .post(app.url(path))
            .header("x-csrf-token", &token)
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "consulta: {path}");
        assert_eq!(r.json::<Value>().await.unwrap()["exito"], false, "{path}");
    }
    assert_eq!(
        app.db(move |c| repo::find(c, id).unwrap().unwrap()).await,
        before,
        "nothing changed"
    );
}

#[tokio::test]
async fn api_datatable_orders_by_each_legacy_column_both_ways() {
    let app = app().await;
    let specs = [
        ("OT-B", "PEP-3-2025", "2025-01-05", "2025-02-01"),
        ("OT-C", "PEP-1-2025", "2025-01-01", "2025-02-09"),
        ("OT-A", "PEP-2-2025", "2025-01-09", "2025-02-05"),
    ];
    for (folio, oficio, start, end) in specs {
        app.create_initial(
            folio,
            &[
                ("oficio_ot", oficio),
                ("fecha_inicio_real", start),
                ("fecha_termino_real", end),
            ],
        )
        .await;
    }
    let key_of = |row: &Value, key: &str| -> String {
        let v = &row[key];
        match v.as_str() {
            // dd/mm/yyyy sorts as yyyymmdd
            Some(s) if s.len() == 10 && s.as_bytes()[2] == b'/' => {
                format!("{}{}{}", &s[6..], &s[3..5], &s[..2])
            }
            Some(s) => s.to_owned(),
            None => format!("{:010}", v.as_i64().unwrap_or(0)),
        }
    };
    for (column, key) in [
        ("1", "id"),
        ("2", "orden_trabajo"),
        ("3", "oficio_ot"),
        ("4", "fecha_inicio_real"),
        ("5", "fecha_termino_real"),
        ("9", "estatus_ot_texto"),
    ] {
        for dir in ["asc", "desc"] {
            let (status, t) = get(
                &app,
                &format!(
                    "datatable/?order%5B0%5D%5Bcolumn%5D={column}&order%5B0%5D%5Bdir%5D={dir}"
                ),
            )
            .await;
            assert_eq!(status, 200);
            let values: Vec<String> = t["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| key_of(r, key))
                .collect();
            let mut sorted = values.clone();
            sorted.sort();
            if dir == "desc" {
                sorted.reverse();
            }
            assert_eq!(values, sorted, "column {column} {dir}");
            assert_eq!(values.len(), 3);
        }
    }
}

#[tokio::test]
async fn api_edit_with_the_legacy_field_set_keeps_the_yard_phase_and_clears_blank_dates() {
    let app = app().await;
    let (id, pte) = app
        .create_initial("OT-1", &[("fecha_inicio_real", "2025-03-02")])
        .await;
    let mut form = legacy_create(pte, "OT-1");
    form.push(("id", id.to_string()));
    set(
        &mut form,
        "comentario_general",
        "Editada desde el front anterior",
    );
    let (status, body) = post(&app, "editar/", &form).await;
    assert_eq!(status, 200, "{body}");
    let o = app.db(move |c| repo::find(c, id).unwrap().unwrap()).await;
    assert!(
        o.requires_yard,
        "check_fase_patio=on keeps the phase (legacy edit lost it)"
    );
    assert_eq!(
        (o.front_id, o.yard_site_id, o.vessel_site_id),
        (Some(2), Some(3), Some(6))
    );
    assert_eq!(o.real_start, None, "an empty date clears it");
    assert_eq!(o.comment, "Editada desde el front anterior");
    assert_eq!(o.kind_id, 4);
}

/// W9, one rule on both paths: a delivery date belongs to a COMPLETADO step. Setting one on a
/// step that is not (and is not becoming) COMPLETADO is refused alike by the HTML form and the
/// API, and changes nothing; a form that still carries the stored date while the step leaves
/// COMPLETADO clears it.
#[tokio::test]
async fn w9_a_delivery_date_without_completado_is_refused_by_the_form_and_the_api_alike() {
    let app = app().await;
    let (id, _) = app.create_initial("OT-1", &[]).await;
    let (_, table) = get(&app, &format!("detalle/datatable/?ot_id={id}")).await;
    let step = table["data"][0]["id"].as_i64().unwrap();
    let stored = || {
        app.db(move |c| {
            steps::table
                .find(i32::try_from(step).unwrap())
                .select((steps::status_id, steps::delivery_date))
                .first::<(i32, Option<chrono::NaiveDate>)>(c)
                .unwrap()
        })
    };
    let before = stored().await;
    assert_eq!(before, (1, None));

    // The HTML form: PROCESO with a delivery date. The page comes back to the row, refused.
    let token = app.csrf_from("/ot").await;
    let r = app
        .post_form(
            &format!("/ot/{id}/pasos/{step}"),
            &[
                ("estatus", "2"),
                ("fecha_entrega", "2025-03-04"),
                ("csrf_token", &token),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let body = app.get(&format!("/ot/{id}")).await.text().await.unwrap();
    assert!(
        crate::helpers::texts(&body, &format!("#paso-{step} .error"))
            .iter()
            .any(|t| t.contains("solo aplica a pasos COMPLETADOS")),
        "{body}"
    );
    assert_eq!(stored().await, before);

    // The API: the same change through cambiar_estatus_paso/, and a date through
    // actualizar-fecha/ on a step that stays PENDIENTE.
    let (status, answer) = post(
        &app,
        "cambiar_estatus_paso/",
        &[
            ("paso_id", step.to_string()),
            ("nuevo_estatus", "2".into()),
            ("fecha_entrega", "2025-03-04".into()),
        ],
    )
    .await;
    assert_eq!(status, 422, "{answer}");
    assert_eq!(
        answer["errores"]["fecha_entrega"],
        "La fecha de entrega solo aplica a pasos COMPLETADOS."
    );
    let (status, answer) = post(
        &app,
        "actualizar-fecha/",
        &[
            ("id_paso", step.to_string()),
            ("fecha", "2025-03-04".into()),
            ("tipo", "3".into()),
        ],
    )
    .await;
    assert_eq!(status, 422, "{answer}");
    assert_eq!(
        answer["detalles"],
        "La fecha de entrega solo aplica a pasos COMPLETADOS."
    );
    assert_eq!(stored().await, before);

    // Completing with that date works on both; leaving COMPLETADO with the stored date still
    // in the form clears it.
    let (status, _) = post(
        &app,
        "cambiar_estatus_paso/",
        &[
            ("paso_id", step.to_string()),
            ("nuevo_estatus", "3".into()),
            ("fecha_entrega", "2025-03-04".into()),
        ],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        stored().await,
        (3, chrono::NaiveDate::from_ymd_opt(2025, 3, 4))
    );
    let token = app.csrf_from("/ot").await;
    let r = app
        .post_form(
            &format!("/ot/{id}/pasos/{step}"),
            &[
                ("estatus", "2"),
                ("fecha_entrega", "04/03/2025"),
                ("csrf_token", &token),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(stored().await, (2, None));
}

/// That a JSON object has exactly these keys, in any order.
fn assert_keys(object: &serde_json::Value, expected: &[&str]) {
    let mut keys: Vec<&str> = object
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    let mut expected = expected.to_vec();
    expected.sort_unstable();
    assert_eq!(keys, expected);
}
