//! W11: the administrator's activity page.

use faena::domain::role::Role;

use crate::helpers::{TestApp, spawn_app, spawn_second_login, texts};

async fn total(client: &reqwest::Client, app: &TestApp, query: &str) -> (u16, i64) {
    let r = client
        .get(app.url(&format!("/actividad{query}")))
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let body = r.text().await.unwrap();
    let n = texts(&body, "#total-actividad")
        .first()
        .and_then(|t| t.parse().ok())
        .unwrap_or(-1);
    (status, n)
}

#[tokio::test]
async fn w11_admins_list_every_change_with_filters_and_others_are_refused() {
    let app = spawn_app().await;
    app.logged_in("ana", Role::Gestor).await;
    let (id, pte) = app.create_initial("OT-1", &[]).await;
    app.create_initial("OT-2", &[]).await;
    let mut fields = crate::helpers::initial_fields(pte, "OT-1");
    crate::helpers::set(&mut fields, "oficio_ot", "OF-NUEVO");
    crate::helpers::set(&mut fields, "version", "1");
    assert_eq!(app.post_order(Some(id), &fields).await.status(), 303);

    assert_eq!(app.get("/actividad").await.status(), 403, "gestor");
    let admin = spawn_second_login(&app, "root", Role::Admin).await;
    let (status, all) = total(&admin, &app, "").await;
    assert_eq!(status, 200);
    assert!(all >= 8, "{all}");
    assert_eq!(
        total(&admin, &app, "?tabla=work_orders&accion=crear")
            .await
            .1,
        2
    );
    assert_eq!(
        total(&admin, &app, &format!("?tabla=work_orders&registro={id}"))
            .await
            .1,
        2,
        "create + one field"
    );
    assert_eq!(total(&admin, &app, "?usuario=ANA&accion=editar").await.1, 1);
    assert_eq!(total(&admin, &app, "?accion=login&usuario=root").await.1, 1);
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::America::Mexico_City)
        .format("%Y-%m-%d")
        .to_string();
    assert_eq!(
        total(&admin, &app, "?desde=2000-01-01&hasta=2000-12-31")
            .await
            .1,
        0
    );
    let (_, today_count) = total(
        &admin,
        &app,
        &format!("?desde={today}&hasta={today}&accion=crear&tabla=work_orders"),
    )
    .await;
    assert_eq!(today_count, 2, "days are Mexico City days");
    let body = admin
        .get(app.url(&format!("/actividad?registro={id}&tabla=work_orders")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        body.contains(&format!("href=\"/ot/{id}\"")),
        "entries link to their record"
    );
    assert!(texts(&body, "#actividad td").contains(&"OF-NUEVO".to_owned()));
    let viewer = spawn_second_login(&app, "vera", Role::Consulta).await;
    assert_eq!(total(&viewer, &app, "").await.0, 403);
}

/// Issue 12 §9: the history reads in Spanish on the order's page and on `/actividad`: field and
/// table names, actions as the pages call them, the folio instead of the internal id, people by
/// their names; `/actividad` filters by action from a list and by an OT's folio.
#[tokio::test]
async fn w11_the_history_names_fields_actions_records_and_people_in_spanish() {
    let app = spawn_app().await;
    app.logged_in("ana", Role::Gestor).await;
    let (id, pte) = app.create_initial("OT-7", &[]).await;
    app.create_initial("OT-8", &[]).await;
    let mut fields = crate::helpers::initial_fields(pte, "OT-7");
    crate::helpers::set(&mut fields, "fecha_termino_real", "2025-03-04");
    crate::helpers::set(&mut fields, "fecha_inicio_real", "2025-03-01");
    crate::helpers::set(&mut fields, "version", "1");
    assert_eq!(app.post_order(Some(id), &fields).await.status(), 303);

    let body = app.get(&format!("/ot/{id}")).await.text().await.unwrap();
    let cells = texts(&body, "#historial td");
    for expected in ["Término real", "Edición", "Creación", "Usuario ana"] {
        assert!(cells.iter().any(|c| c == expected), "{expected}: {cells:?}");
    }
    assert!(
        !cells
            .iter()
            .any(|c| c == "fecha_termino_real" || c == "ana")
    );

    let admin = spawn_second_login(&app, "root", Role::Admin).await;
    let page = admin
        .get(app.url("/actividad?folio=OT-7"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let records = texts(&page, "#actividad td a");
    assert!(!records.is_empty());
    assert!(records.iter().all(|r| r == "OT OT-7"), "{records:?}");
    let cells = texts(&page, "#actividad td");
    assert!(cells.iter().any(|c| c == "Término real"));
    assert!(cells.iter().any(|c| c == "Usuario ana"));
    assert!(
        texts(&page, "#accion option")
            .iter()
            .any(|o| o == "Cambio de estatus")
    );
    let (_, edits) = total(&admin, &app, "?folio=OT-7&accion=editar").await;
    assert_eq!(edits, 2, "two fields changed in one edit");
}
