//! Step templates and the W3 rule table as an administrator edits them: the seeded rule, the
//! preview, rule changes reaching the next order, and template edits never reaching existing
//! steps.

use faena::db::steps::{self, StepView};
use faena::db::templates::{self, RuleRow};
use faena::domain::role::Role;

use crate::helpers::{TestApp, invalid_fields, location, spawn_app, texts};

async fn admin_post(app: &TestApp, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
    let token = app.csrf_from("/admin/reglas").await;
    let mut form = form.to_vec();
    form.push(("csrf_token", &token));
    app.post_form(path, &form).await
}

async fn steps_of(app: &TestApp, order: i32) -> Vec<StepView> {
    app.db(move |c| steps::for_order(c, order).unwrap()).await
}

fn descriptions(steps: &[StepView]) -> Vec<String> {
    steps.iter().map(|s| s.description.clone()).collect()
}

async fn rules(app: &TestApp) -> Vec<RuleRow> {
    app.db(|c| templates::rules(c).unwrap()).await
}

const SET_5: [&str; 6] = [
    "Reunión de arranque y revisión de alcance",
    "Ingeniería de detalle",
    "Procura de materiales",
    "Ejecución en sitio",
    "Pruebas y puesta en servicio",
    "Cierre y entrega documental",
];
const SET_18: [&str; 4] = [
    "Solicitud de servicio Intercom",
    "Evaluación técnica Intercom",
    "Ejecución Intercom",
    "Entrega y cierre Intercom",
];

#[tokio::test]
async fn w3_the_seeded_rule_table_is_exactly_the_seeds_and_reads_in_spanish() {
    let app = spawn_app().await;
    app.logged_in("root", Role::Admin).await;
    let table: Vec<_> = rules(&app)
        .await
        .iter()
        .map(|r| (r.kind, r.client, r.template_set))
        .collect();
    assert_eq!(
        table,
        [
            (4, None, 5),
            (5, Some(1), 5),
            (5, Some(2), 18),
            (5, Some(3), 18),
            (5, Some(4), 18),
            (5, None, 5),
        ]
    );
    let body = app.get("/admin/reglas").await.text().await.unwrap();
    assert_eq!(
        texts(&body, "#reglas td.regla"),
        [
            "OT inicial de un cliente sin regla propia, o sin cliente → plantillas REPROGRAMACION",
            "Reprogramación del cliente «PEMEX Exploración y Producción» → plantillas REPROGRAMACION",
            "Reprogramación del cliente «Intercom Marina del Golfo» → plantillas INTERCOM",
            "Reprogramación del cliente «Intercom Servicios Costa Afuera» → plantillas INTERCOM",
            "Reprogramación del cliente «Intercom Litoral Tabasco» → plantillas INTERCOM",
            "Reprogramación de un cliente sin regla propia, o sin cliente → plantillas REPROGRAMACION",
        ]
    );
}

#[tokio::test]
async fn w3_the_preview_lists_the_steps_an_order_would_get() {
    let app = spawn_app().await;
    app.logged_in("root", Role::Admin).await;
    for (query, text, steps) in [
        (
            "tipo=5&cliente=2",
            "Una OT REPROGRAMACION del cliente «Intercom Marina del Golfo» recibiría 4 pasos de las plantillas INTERCOM:",
            SET_18.to_vec(),
        ),
        (
            "tipo=4&cliente=2",
            "Una OT INICIAL del cliente «Intercom Marina del Golfo» recibiría 6 pasos de las plantillas REPROGRAMACION:",
            SET_5.to_vec(),
        ),
        (
            "tipo=5&cliente=",
            "Una OT REPROGRAMACION sin cliente recibiría 6 pasos de las plantillas REPROGRAMACION:",
            SET_5.to_vec(),
        ),
    ] {
        let body = app
            .get(&format!("/admin/reglas?{query}"))
            .await
            .text()
            .await
            .unwrap();
        assert_eq!(texts(&body, "#vista-previa-texto"), [text], "{query}");
        assert_eq!(texts(&body, "#vista-previa-pasos li"), steps, "{query}");
    }
    let body = app
        .get("/admin/reglas?tipo=abc&cliente=%3Cb%3E")
        .await
        .text()
        .await
        .unwrap();
    assert!(texts(&body, "#vista-previa-texto").is_empty());
}

#[tokio::test]
async fn w3_a_rule_change_takes_effect_for_the_next_order_only() {
    let app = spawn_app().await;
    app.logged_in("root", Role::Admin).await;
    let (before, _) = app.create_initial("OT-1", &[]).await;
    assert_eq!(descriptions(&steps_of(&app, before).await), SET_5);

    let general_initial = rules(&app).await[0].id;
    let r = admin_post(
        &app,
        &format!("/admin/reglas/{general_initial}"),
        &[("conjunto", "18")],
    )
    .await;
    assert_eq!(r.status(), 303);
    let (after, _) = app.create_initial("OT-2", &[]).await;
    assert_eq!(descriptions(&steps_of(&app, after).await), SET_18);
    assert_eq!(
        descriptions(&steps_of(&app, before).await),
        SET_5,
        "unchanged"
    );

    // A client-specific rule: added, refused twice, then removed.
    let add = [("tipo", "4"), ("cliente", "5"), ("conjunto", "4")];
    let r = admin_post(&app, "/admin/reglas", &add).await;
    assert_eq!(r.status(), 303);
    let (for_five, _) = app.create_initial("OT-3", &[("id_cliente", "5")]).await;
    assert_eq!(
        steps_of(&app, for_five).await.len(),
        5,
        "set 4 has five active"
    );
    let r = admin_post(&app, "/admin/reglas", &add).await;
    assert_eq!(r.status(), 409);
    assert_eq!(invalid_fields(&r.text().await.unwrap()), ["cliente"]);
    let r = admin_post(
        &app,
        "/admin/reglas",
        &[("tipo", "4"), ("cliente", "999"), ("conjunto", "4")],
    )
    .await;
    assert_eq!(r.status(), 422);
    assert_eq!(rules(&app).await.len(), 7);
    let added = rules(&app)
        .await
        .into_iter()
        .find(|r| r.client == Some(5))
        .unwrap();
    let r = admin_post(&app, &format!("/admin/reglas/{}/eliminar", added.id), &[]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(rules(&app).await.len(), 6);

    // The general rule of a kind cannot be removed.
    let r = admin_post(
        &app,
        &format!("/admin/reglas/{general_initial}/eliminar"),
        &[],
    )
    .await;
    let page = app.get(&location(&r)).await.text().await.unwrap();
    assert!(texts(&page, ".flash-error")[0].contains("no se elimina"));
    assert_eq!(rules(&app).await.len(), 6);
}

#[tokio::test]
async fn w3_template_edits_never_change_the_steps_of_existing_orders() {
    let app = spawn_app().await;
    app.logged_in("root", Role::Admin).await;
    let (old, _) = app.create_initial("OT-1", &[]).await;
    let before = steps_of(&app, old).await;
    assert_eq!(descriptions(&before), SET_5);

    // Rename template 8, deactivate 9, move 12 to the top, move 10 to another set.
    let r = admin_post(
        &app,
        "/admin/plantillas/8",
        &[
            ("conjunto", "5"),
            ("descripcion", "Ingeniería básica y de detalle"),
            ("orden", "2"),
            ("tipo_cliente", "15"),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        admin_post(&app, "/admin/plantillas/9/desactivar", &[])
            .await
            .status(),
        303
    );
    for _ in 0..6 {
        admin_post(&app, "/admin/plantillas/12/subir", &[]).await;
    }
    let r = admin_post(
        &app,
        "/admin/plantillas/10",
        &[
            ("conjunto", "18"),
            ("descripcion", "Ejecución en sitio"),
            ("orden", ""),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);

    assert_eq!(
        steps_of(&app, old).await,
        before,
        "existing steps untouched"
    );
    let detail = app.get(&format!("/ot/{old}")).await.text().await.unwrap();
    assert!(detail.contains("Ingeniería de detalle"));
    assert!(!detail.contains("Ingeniería básica y de detalle"));

    let (new, _) = app.create_initial("OT-2", &[]).await;
    assert_eq!(
        descriptions(&steps_of(&app, new).await),
        [
            "Cierre y entrega documental",
            "Reunión de arranque y revisión de alcance",
            "Ingeniería básica y de detalle",
            "Pruebas y puesta en servicio",
        ]
    );
    let set_18: Vec<_> = app
        .db(|c| templates::of_set(c, 18).unwrap())
        .await
        .into_iter()
        .map(|t| (t.id, t.sort_order))
        .collect();
    assert_eq!(set_18.last(), Some(&(10, 6)), "moved to the end of set 18");
}

#[tokio::test]
async fn bad_template_input_is_refused_and_nothing_changes() {
    let app = spawn_app().await;
    app.logged_in("root", Role::Admin).await;
    let before = app.db(|c| templates::all(c).unwrap()).await;
    for (form, field) in [
        (vec![("conjunto", "7"), ("descripcion", "Paso")], "conjunto"),
        (
            vec![("conjunto", "5"), ("descripcion", "  ")],
            "descripcion",
        ),
        (
            vec![("conjunto", "5"), ("descripcion", "Paso"), ("orden", "-3")],
            "orden",
        ),
        (
            vec![
                ("conjunto", "5"),
                ("descripcion", "Paso"),
                ("tipo_cliente", "4"),
            ],
            "tipo_cliente",
        ),
    ] {
        for path in ["/admin/plantillas", "/admin/plantillas/8"] {
            let r = admin_post(&app, path, &form).await;
            assert_eq!(r.status(), 422, "{path} {form:?}");
            assert_eq!(invalid_fields(&r.text().await.unwrap()), [field], "{path}");
        }
    }
    assert_eq!(app.db(|c| templates::all(c).unwrap()).await, before);
    assert_eq!(app.get("/admin/plantillas/999").await.status(), 404);
    let r = admin_post(&app, "/admin/plantillas/999/subir", &[]).await;
    assert_eq!(r.status(), 404);

    let r = admin_post(
        &app,
        "/admin/plantillas",
        &[("conjunto", "18"), ("descripcion", "<b>Visita</b> de obra")],
    )
    .await;
    assert_eq!(r.status(), 303);
    let body = app.get("/admin/plantillas").await.text().await.unwrap();
    assert!(!body.contains("<b>Visita</b>"), "escaped");
    assert!(texts(&body, "#conjunto-18 td").contains(&"<b>Visita</b> de obra".to_owned()));
    let last = app.db(|c| templates::of_set(c, 18).unwrap()).await;
    assert_eq!(
        last.last().map(|t| t.sort_order),
        Some(6),
        "at the end of its set"
    );
}
