//! Execution tracking: steps (W9), OT status (W8), progress (W10) on the detail page.

use chrono::NaiveDate;
use diesel::prelude::*;
use faena::db::schema::{activity_log, steps};
use faena::db::work_orders as repo;
use faena::domain::role::Role;

use crate::helpers::{TestApp, location, spawn_app_with, texts};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

async fn tracked_app() -> TestApp {
    let app = spawn_app_with(|c| c.fixed_today = Some(day(2025, 3, 6))).await;
    app.logged_in("ana", Role::Gestor).await;
    app
}

async fn step_ids(app: &TestApp, order: i32) -> Vec<i32> {
    app.db(move |c| {
        steps::table
            .filter(steps::work_order_id.eq(order))
            .order(steps::template_id)
            .select(steps::id)
            .load(c)
            .unwrap()
    })
    .await
}

async fn step(app: &TestApp, id: i32) -> faena::db::steps::Step {
    app.db(move |c| faena::db::steps::find(c, id).unwrap().unwrap())
        .await
}

async fn post(app: &TestApp, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
    let token = app.csrf_from("/ot").await;
    let mut form = form.to_vec();
    form.push(("csrf_token", &token));
    app.post_form(path, &form).await
}

#[tokio::test]
async fn w9_completing_a_step_dates_its_delivery_today_and_is_logged() {
    let app = tracked_app().await;
    let (id, _) = app.create_initial("OT-1", &[]).await;
    let steps = step_ids(&app, id).await;
    let r = post(
        &app,
        &format!("/ot/{id}/pasos/{}", steps[0]),
        &[("estatus", "3"), ("comentario", "Acta firmada")],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), format!("/ot/{id}#paso-{}", steps[0]));
    let s = step(&app, steps[0]).await;
    assert_eq!((s.status_id, s.delivery_date), (3, Some(day(2025, 3, 6))));
    assert_eq!(s.comment, "Acta firmada");

    let r = post(
        &app,
        &format!("/ot/{id}/pasos/{}", steps[1]),
        &[
            ("estatus", "3"),
            ("fecha_entrega", "04/03/2025"),
            ("archivo", "https://drive.example.mx/entregable.pdf"),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    let s = step(&app, steps[1]).await;
    assert_eq!(s.delivery_date, Some(day(2025, 3, 4)));
    let body = app.get(&format!("/ot/{id}")).await.text().await.unwrap();
    let doc = scraper::Html::parse_document(&body);
    let link =
        scraper::Selector::parse(r#"#pasos a[href="https://drive.example.mx/entregable.pdf"]"#)
            .unwrap();
    let a = doc.select(&link).next().expect("deliverable link");
    assert_eq!(a.value().attr("target"), Some("_blank"));
    assert_eq!(a.value().attr("rel"), Some("noopener noreferrer"));
    // W13: a printout shows where the deliverable is, not "Abrir".
    assert_eq!(
        texts(&body, "#pasos .link-short.print-only"),
        ["drive.example.mx/entregable.pdf"]
    );
    // The history is on the page, and printed only when asked for (`?historial=1`).
    let class_of = |body: &str| crate::helpers::attr(body, "#seccion-historial", "class");
    assert!(class_of(&body).split(' ').any(|c| c == "no-print"));
    let with_history = app
        .get(&format!("/ot/{id}?historial=1"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(class_of(&with_history), "card");
    assert!(
        texts(&body, "#historial td")
            .iter()
            .any(|t| t.contains("estatus") && t.contains("Paso"))
    );

    // Leaving COMPLETADO clears the delivery date.
    let r = post(
        &app,
        &format!("/ot/{id}/pasos/{}", steps[1]),
        &[("estatus", "2")],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(step(&app, steps[1]).await.delivery_date, None);
}

#[tokio::test]
async fn w9_bad_step_input_is_refused_with_a_message_and_changes_nothing() {
    let app = tracked_app().await;
    let (id, _) = app.create_initial("OT-1", &[]).await;
    let (other, _) = app.create_initial("OT-2", &[]).await;
    let steps = step_ids(&app, id).await;
    let before = step(&app, steps[0]).await;
    let path = format!("/ot/{id}/pasos/{}", steps[0]);
    let cases: [&[(&str, &str)]; 6] = [
        &[("estatus", "99")],
        &[("estatus", "2"), ("archivo", "javascript:alert(1)")],
        &[("estatus", "2"), ("archivo", "data:text/html,<b>x</b>")],
        &[
            ("estatus", "2"),
            ("fecha_inicio", "2025-03-10"),
            ("fecha_termino", "2025-03-01"),
        ],
        &[("estatus", "2"), ("fecha_inicio", "31/02/2025")],
        &[("estatus", "3"), ("fecha_entrega", "2025-13-01")],
    ];
    let row = format!("#paso-{}", steps[0]);
    for form in cases {
        // Without script: post/redirect/get back to the row, which shows the refusal.
        let r = post(&app, &path, form).await;
        assert_eq!(r.status(), 303, "{form:?}");
        assert_eq!(location(&r), format!("/ot/{id}{row}"));
        let body = app.get(&format!("/ot/{id}")).await.text().await.unwrap();
        assert_eq!(texts(&body, &format!("{row} .error")).len(), 1, "{form:?}");
        // Once: a reload shows the row as stored.
        let again = app.get(&format!("/ot/{id}")).await.text().await.unwrap();
        assert!(texts(&again, &format!("{row} .error")).is_empty());
    }
    assert_eq!(step(&app, steps[0]).await, before);
    // What was typed comes back in the row.
    post(
        &app,
        &path,
        &[("estatus", "2"), ("archivo", "javascript:alert(1)")],
    )
    .await;
    let body = app.get(&format!("/ot/{id}")).await.text().await.unwrap();
    assert_eq!(
        crate::helpers::attr(&body, &format!("{row} input[name=archivo]"), "value"),
        "javascript:alert(1)"
    );
    // With script (the in-place editor): the row itself comes back, 422 with the message.
    let token = app.csrf_from("/ot").await;
    let r = app
        .client
        .post(app.url(&path))
        .header("x-faena-fragment", "paso")
        .form(&[("estatus", "99"), ("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let fragment = r.text().await.unwrap();
    assert!(
        fragment.trim_start().starts_with("<tr id=\"paso-"),
        "{fragment}"
    );
    assert_eq!(
        texts(&format!("<table>{fragment}</table>"), ".error"),
        ["Estatus de paso desconocido."]
    );
    // A step id of another order in the URL is a 404; so is a step of a deleted order.
    let r = post(
        &app,
        &format!("/ot/{other}/pasos/{}", steps[0]),
        &[("estatus", "2")],
    )
    .await;
    assert_eq!(r.status(), 404);
    let token = app.csrf_from("/ot").await;
    app.post_form(&format!("/ot/{id}/eliminar"), &[("csrf_token", &token)])
        .await;
    let r = post(&app, &path, &[("estatus", "2")]).await;
    assert_eq!(r.status(), 404);
    assert_eq!(step(&app, steps[0]).await, before);
}

#[tokio::test]
async fn w9_dates_are_locked_while_a_step_is_completado() {
    let app = tracked_app().await;
    let (id, _) = app.create_initial("OT-1", &[]).await;
    let steps = step_ids(&app, id).await;
    let path = format!("/ot/{id}/pasos/{}", steps[0]);
    let r = post(
        &app,
        &path,
        &[("estatus", "3"), ("fecha_inicio", "2025-03-01")],
    )
    .await;
    assert_eq!(r.status(), 303, "dates set while completing");
    let r = post(
        &app,
        &path,
        &[("estatus", "3"), ("fecha_inicio", "2025-03-02")],
    )
    .await;
    assert_eq!(r.status(), 303);
    let body = app.get(&format!("/ot/{id}")).await.text().await.unwrap();
    assert!(
        texts(&body, &format!("#paso-{} .error", steps[0]))
            .iter()
            .any(|t| t.contains("no se pueden cambiar")),
        "the refusal shows in the row"
    );
    assert_eq!(step(&app, steps[0]).await.start_date, Some(day(2025, 3, 1)));
    // The row offers no date inputs for a locked step; an open step has them.
    let body = app.get(&format!("/ot/{id}")).await.text().await.unwrap();
    let inputs = |step: i32| {
        let doc = scraper::Html::parse_document(&body);
        let sel =
            scraper::Selector::parse(&format!("#paso-{step} input[name=fecha_inicio]")).unwrap();
        doc.select(&sel).count()
    };
    assert_eq!(inputs(steps[0]), 0);
    assert_eq!(inputs(steps[1]), 1);
}

#[tokio::test]
async fn w8_terminada_sets_the_real_end_the_comment_goes_to_history_and_leaving_clears_it() {
    let app = tracked_app().await;
    let (id, _) = app
        .create_initial(
            "OT-1",
            &[
                ("comentario", "Comentario original"),
                ("fecha_inicio_real", "2025-03-02"),
            ],
        )
        .await;
    let r = post(
        &app,
        &format!("/ot/{id}/estatus"),
        &[
            ("estatus", "10"),
            ("fecha_entrega", "2025-03-05"),
            ("comentario", "Entregado al cliente"),
            ("version", "1"),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    let o = app.db(move |c| repo::find(c, id).unwrap().unwrap()).await;
    assert_eq!((o.status_id, o.real_end), (10, Some(day(2025, 3, 5))));
    assert_eq!(
        o.comment, "Comentario original",
        "the order's comment is not overwritten"
    );
    let body = app.get(&format!("/ot/{id}")).await.text().await.unwrap();
    assert!(texts(&body, "#historial td").contains(&"Entregado al cliente".to_owned()));

    let r = post(
        &app,
        &format!("/ot/{id}/estatus"),
        &[("estatus", "8"), ("version", "2")],
    )
    .await;
    assert_eq!(r.status(), 303);
    let o = app.db(move |c| repo::find(c, id).unwrap().unwrap()).await;
    assert_eq!((o.status_id, o.real_end), (8, None));
}

#[tokio::test]
async fn w8_unknown_statuses_and_por_definir_orders_are_refused() {
    let app = tracked_app().await;
    let (id, _) = app.create_initial("OT-1", &[]).await;
    for bad in ["3", "99", "abc", "5"] {
        let r = post(&app, &format!("/ot/{id}/estatus"), &[("estatus", bad)]).await;
        assert_eq!(r.status(), 422, "{bad}");
    }
    let pte = app.create_pte("PTE-Q", "1").await;
    let token = app.csrf_from(&format!("/pte/{pte}")).await;
    let r = app
        .post_form(
            &format!("/pte/{pte}/ot-rapida"),
            &[("orden_trabajo", "OT-Q"), ("csrf_token", &token)],
        )
        .await;
    let quick = crate::helpers::id_from_location(&r);
    let r = post(&app, &format!("/ot/{quick}/estatus"), &[("estatus", "8")]).await;
    assert_eq!(r.status(), 409);
    assert!(texts(&r.text().await.unwrap(), "#error-accion")[0].contains("POR DEFINIR"));
    let o = app
        .db(move |c| repo::find(c, quick).unwrap().unwrap())
        .await;
    assert_eq!(o.status_id, 5);
}

#[tokio::test]
async fn w8_two_simultaneous_status_changes_apply_one_and_refuse_the_other() {
    let app = tracked_app().await;
    let (id, _) = app.create_initial("OT-1", &[]).await;
    let token = app.csrf_from("/ot").await;
    let send = |status: &'static str| {
        app.client
            .post(app.url(&format!("/ot/{id}/estatus")))
            .form(&[
                ("estatus", status),
                ("version", "1"),
                ("csrf_token", token.as_str()),
            ])
            .send()
    };
    let (a, b) = tokio::join!(send("8"), send("9"));
    let mut statuses = [a.unwrap().status().as_u16(), b.unwrap().status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [303, 409]);
    let changes: i64 = app
        .db(move |c| {
            activity_log::table
                .filter(activity_log::record_id.eq(id))
                .filter(activity_log::action.eq("estatus"))
                .count()
                .get_result(c)
                .unwrap()
        })
        .await;
    assert_eq!(changes, 1);
    let o = app.db(move |c| repo::find(c, id).unwrap().unwrap()).await;
    assert!([8, 9].contains(&o.status_id));
    assert_eq!(o.version, 2);
}

#[tokio::test]
async fn w10_progress_on_list_and_detail_counts_time_and_applicable_steps() {
    let app = tracked_app().await;
    // 01/03–10/03, today 06/03: 5 of 10 days = 50 %.
    let (id, _) = app
        .create_initial(
            "OT-1",
            &[
                ("fecha_inicio_programado", "2025-03-01"),
                ("fecha_termino_programado", "2025-03-10"),
            ],
        )
        .await;
    let steps = step_ids(&app, id).await;
    for s in &steps[..2] {
        post(&app, &format!("/ot/{id}/pasos/{s}"), &[("estatus", "3")]).await;
    }
    post(
        &app,
        &format!("/ot/{id}/pasos/{}", steps[2]),
        &[("estatus", "14")],
    )
    .await;
    // Steps: 2 completed of 5 applicable = 40 %; combined floor(0.7×50 + 0.3×40) = 47.
    let list = app.get("/ot").await.text().await.unwrap();
    assert_eq!(texts(&list, "#lista-ot .pct"), ["47 %"]);
    assert!(texts(&list, "#lista-ot .badge").contains(&"5/10 d".to_owned()));
    assert!(texts(&list, "#lista-ot .badge").contains(&"2/5 pasos".to_owned()));
    let detail = app.get(&format!("/ot/{id}")).await.text().await.unwrap();
    assert_eq!(texts(&detail, ".ot-detail section .pct")[0], "47 %");
    let doc = scraper::Html::parse_document(&list);
    let bar = scraper::Selector::parse("#lista-ot progress").unwrap();
    let bar = doc.select(&bar).next().unwrap();
    assert_eq!(bar.value().attr("value"), Some("47"));
    assert!(bar.value().attr("class").unwrap().contains("bar-mid"));
}

#[tokio::test]
async fn consulta_cannot_change_steps_or_status() {
    let app = tracked_app().await;
    let (id, _) = app.create_initial("OT-1", &[]).await;
    let steps = step_ids(&app, id).await;
    // The gestor's page has the status form: the selector below is the real one.
    let own = app.get(&format!("/ot/{id}")).await.text().await.unwrap();
    assert!(
        !texts(&own, "#cambiar-estatus").is_empty(),
        "the gestor has the status form"
    );
    let viewer = crate::helpers::spawn_second_login(&app, "vera", Role::Consulta).await;
    let body = viewer
        .get(app.url(&format!("/ot/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        texts(&body, "#cambiar-estatus").is_empty(),
        "no status form for consulta"
    );
    let token = crate::helpers::csrf_in(&body).unwrap();
    for path in [
        format!("/ot/{id}/estatus"),
        format!("/ot/{id}/pasos/{}", steps[0]),
    ] {
        let r = viewer
            .post(app.url(&path))
            .form(&[("estatus", "8"), ("csrf_token", token.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "{path}");
    }
}

#[tokio::test]
async fn w8_the_list_row_menu_changes_the_status_and_returns_to_the_same_list() {
    let app = tracked_app().await;
    let (id, _) = app.create_initial("OT-1", &[]).await;
    let body = app.get("/ot?q=OT&per=10").await.text().await.unwrap();
    let doc = scraper::Html::parse_document(&body);
    let sel = scraper::Selector::parse(&format!(
        r#"#lista-ot form[action="/ot/{id}/estatus"] input[name="volver"]"#
    ))
    .unwrap();
    let back = doc
        .select(&sel)
        .next()
        .expect("row menu")
        .value()
        .attr("value")
        .unwrap()
        .to_owned();
    assert_eq!(back, "/ot?q=OT&per=10");
    let r = post(
        &app,
        &format!("/ot/{id}/estatus"),
        &[("estatus", "9"), ("version", "1"), ("volver", &back)],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), back);
    let r = post(
        &app,
        &format!("/ot/{id}/estatus"),
        &[
            ("estatus", "8"),
            ("version", "2"),
            ("volver", "https://evil.example/"),
        ],
    )
    .await;
    assert_eq!(location(&r), "/", "never to another site");
    let o = app.db(move |c| repo::find(c, id).unwrap().unwrap()).await;
    assert_eq!(o.status_id, 8);
}

#[tokio::test]
async fn w4_reprogramar_opens_the_form_prefilled_from_the_parent_with_empty_dates() {
    let app = tracked_app().await;
    let (parent, _) = app
        .create_initial(
            "OT-1",
            &[
                ("id_cliente", "3"),
                ("monto_usd", "2,500.75"),
                ("id_frente", "2"),
                ("id_embarcacion", "8"),
                ("id_plataforma", "10"),
                ("fecha_inicio_real", "2025-03-02"),
            ],
        )
        .await;
    let body = app
        .get(&format!("/ot/nueva?padre={parent}"))
        .await
        .text()
        .await
        .unwrap();
    let doc = scraper::Html::parse_document(&body);
    let value = |css: &str| {
        let sel = scraper::Selector::parse(css).unwrap();
        doc.select(&sel)
            .next()
            .and_then(|e| e.value().attr("value"))
            .map(str::to_owned)
    };
    assert_eq!(value(r#"input[name="id_tipo"]"#).as_deref(), Some("5"));
    assert_eq!(
        value(r#"input[name="ot_principal"]"#),
        Some(parent.to_string())
    );
    assert_eq!(value("#f-oficio_ot").as_deref(), Some("PEP-OT-1-2025"));
    assert_eq!(value("#f-monto_usd").as_deref(), Some("2,500.75"));
    assert_eq!(
        value("#f-responsable_cliente").as_deref(),
        Some("Ing. Roberto Pérez")
    );
    assert_eq!(value("#f-fecha_inicio_programado").as_deref(), Some(""));
    assert_eq!(value("#f-fecha_inicio_real").as_deref(), Some(""));
    for (select, expected) in [
        ("#f-id_cliente", "3"),
        ("#f-id_frente", "2"),
        ("#f-id_embarcacion", "8"),
        ("#f-id_plataforma", "10"),
        ("#f-responsable_proyecto", "1"),
    ] {
        let sel = scraper::Selector::parse(&format!("{select} option[selected]")).unwrap();
        assert_eq!(
            doc.select(&sel)
                .next()
                .and_then(|o| o.value().attr("value")),
            Some(expected),
            "{select}"
        );
    }
    assert!(texts(&body, "textarea#f-descripcion_trabajo")[0].contains("Mantenimiento"));
    // A reprogramming cannot be reprogrammed, and a deleted parent is not offered.
    assert_eq!(app.get("/ot/nueva?padre=999").await.status(), 404);
}

/// The `tbody tr` of the list whose text names `folio`, as HTML.
fn row_of(body: &str, folio: &str) -> String {
    let doc = scraper::Html::parse_document(body);
    let rows = scraper::Selector::parse("tbody tr").unwrap();
    doc.select(&rows)
        .find(|r| r.text().any(|t| t.trim() == folio))
        .map(|r| r.html())
        .unwrap_or_else(|| panic!("no row for {folio}"))
}

/// Issue 12 §4: status pills in the legacy colours, "Vencida · N días" on open orders past
/// their planned end, a grey bar for orders that are not moving (W10's number stays), and the
/// "Vencidas" filter.
#[tokio::test]
async fn w10_status_and_progress_tell_the_truth_and_overdue_orders_can_be_listed() {
    let app = tracked_app().await; // today: 06/03/2025
    let past = [
        ("fecha_inicio_programado", "2025-01-01"),
        ("fecha_termino_programado", "2025-02-01"),
    ];
    let (late, _) = app.create_initial("OT-TARDE", &past).await;
    let (cancelled, _) = app.create_initial("OT-CANCELADA", &past).await;
    app.create_initial(
        "OT-A-TIEMPO",
        &[
            ("fecha_inicio_programado", "2025-03-01"),
            ("fecha_termino_programado", "2025-12-31"),
        ],
    )
    .await;
    for (id, status) in [(late, "8"), (cancelled, "6")] {
        let r = post(
            &app,
            &format!("/ot/{id}/estatus"),
            &[("estatus", status), ("version", "1")],
        )
        .await;
        assert_eq!(r.status(), 303, "{id}");
    }

    let body = app.get("/ot").await.text().await.unwrap();
    let row = row_of(&body, "OT-TARDE");
    // One line per order in the list: the short form, the sentence in its tooltip.
    assert_eq!(texts(&row, ".badge.overdue"), ["Vencida · 33 d"]);
    assert!(crate::helpers::attr(&row, ".badge.overdue", "title").starts_with("Vencida · 33 días"));
    let detail = app.get(&format!("/ot/{late}")).await.text().await.unwrap();
    assert!(texts(&detail, ".badge.overdue").contains(&"Vencida · 33 días".to_owned()));
    assert_eq!(texts(&row, ".pill-blue"), ["EN EJECUCION"]);
    assert_eq!(
        texts(&row, "progress.bar-mid").len(),
        1,
        "70 %: its W10 colour"
    );
    let row = row_of(&body, "OT-CANCELADA");
    assert!(
        texts(&row, ".badge.overdue").is_empty(),
        "a cancelled order is not late"
    );
    assert_eq!(texts(&row, ".pill-red"), ["CANCELADA"]);
    assert_eq!(
        texts(&row, "progress.bar-halted").len(),
        1,
        "grey, not green"
    );
    let percent = texts(&row, ".pct");
    assert_eq!(percent, ["70 %"], "W10's number stays");
    let row = row_of(&body, "OT-A-TIEMPO");
    assert!(texts(&row, ".badge.overdue").is_empty());
    assert_eq!(texts(&row, ".pill-yellow"), ["ASIGNADA"]);

    // Only the open, late order is "Vencida"; the checkbox stays ticked.
    let body = app.get("/ot?vencidas=1").await.text().await.unwrap();
    let doc = scraper::Html::parse_document(&body);
    let rows = scraper::Selector::parse("tbody tr").unwrap();
    assert_eq!(doc.select(&rows).count(), 1);
    assert!(row_of(&body, "OT-TARDE").contains(&format!("/ot/{late}")));
    let ticked = scraper::Selector::parse("#vencidas[checked]").unwrap();
    assert_eq!(doc.select(&ticked).count(), 1, "the filter is shown ticked");
}

/// Issue 12 §2: the in-place editor's save answers with the saved row itself.
#[tokio::test]
async fn w9_the_steps_table_saves_a_row_in_place() {
    let app = tracked_app().await;
    let (id, _) = app.create_initial("OT-1", &[]).await;
    let steps = step_ids(&app, id).await;
    let path = format!("/ot/{id}/pasos/{}", steps[0]);
    let token = app.csrf_from("/ot").await;
    let r = app
        .client
        .post(app.url(&path))
        .header("x-faena-fragment", "paso")
        .form(&[("estatus", "2"), ("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "saved in place");
    let fragment = r.text().await.unwrap();
    let doc = format!("<table>{fragment}</table>");
    assert!(texts(&doc, ".error").is_empty());
    assert_eq!(
        crate::helpers::attr(&doc, "select[name=estatus] option[selected]", "value"),
        "2"
    );
    assert_eq!(step(&app, steps[0]).await.status_id, 2);
    // Every row of the page is its own form, with the status and dates in the row.
    let body = app.get(&format!("/ot/{id}")).await.text().await.unwrap();
    for s in &steps {
        let row = format!("#paso-{s}");
        assert_eq!(
            crate::helpers::attr(&body, &format!("{row} select[name=estatus]"), "form"),
            format!("paso-f-{s}")
        );
        assert_eq!(
            crate::helpers::attr(&body, &format!("{row} form"), "action"),
            format!("/ot/{id}/pasos/{s}")
        );
    }
}

/// Issue 12 §1: the ticked rows change status together, with one comment, confirmed on their own
/// page; each order keeps W8 (a POR DEFINIR order is refused and said so), consulta cannot.
#[tokio::test]
async fn w8_the_ticked_orders_change_status_together_with_one_comment() {
    let app = tracked_app().await;
    let (a, _) = app.create_initial("OT-LOTE-1", &[]).await;
    let (b, _) = app.create_initial("OT-LOTE-2", &[]).await;
    let pte = app.create_pte("PTE-LOTE", "1").await;
    let token = app.csrf_from("/ot").await;
    let r = app
        .post_form(
            &format!("/pte/{pte}/ot-rapida"),
            &[
                ("orden_trabajo", "OT-LOTE-3"),
                ("id_tipo", "4"),
                ("csrf_token", &token),
            ],
        )
        .await;
    let quick = crate::helpers::id_from_location(&r);

    let page = app
        .get(&format!(
            "/ot/estatus-lote?seleccion=1&ids={a}&ids={b}&ids={quick}"
        ))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(texts(&page, "#lote li a").len(), 3);
    let ids = crate::helpers::attr(&page, "#estatus-lote input[name=ids]", "value");
    let token = crate::helpers::csrf_in(&page).unwrap();
    let r = app
        .post_form(
            "/ot/estatus-lote",
            &[
                ("ids", ids.as_str()),
                ("estatus", "8"),
                ("comentario", "Arranque de obra en lote"),
                ("csrf_token", &token),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/ot");
    let list = app.get("/ot").await.text().await.unwrap();
    let message = texts(&list, ".flash").join(" ");
    assert!(message.contains("Estatus cambiado en 2 OT"), "{message}");
    assert!(
        message.contains("OT-LOTE-3: La OT está POR DEFINIR"),
        "{message}"
    );
    for id in [a, b] {
        let o = app.db(move |c| repo::find(c, id).unwrap().unwrap()).await;
        assert_eq!(o.status_id, 8);
    }
    let q = app
        .db(move |c| repo::find(c, quick).unwrap().unwrap())
        .await;
    assert_eq!(q.status_id, 5, "refused: unchanged");
    let comments: Vec<Option<String>> = app
        .db(move |c| {
            activity_log::table
                .filter(activity_log::action.eq("estatus"))
                .filter(activity_log::record_id.eq(a))
                .select(activity_log::detail)
                .load(c)
                .unwrap()
        })
        .await;
    assert!(comments.contains(&Some("Arranque de obra en lote".to_owned())));

    let viewer = crate::helpers::spawn_second_login(&app, "vera", Role::Consulta).await;
    let r = viewer
        .get(app.url(&format!("/ot/estatus-lote?seleccion=1&ids={a}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
}
