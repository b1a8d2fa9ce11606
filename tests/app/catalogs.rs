//! Catalog administration: create, edit, search, deactivate and reactivate; protected codes;
//! what deactivation does to the pickers and to the orders that already use an entry.

use faena::db::catalogs::{self, AdminEntry};
use faena::db::{activity, work_orders};
use faena::domain::catalog::Catalog;
use faena::domain::role::Role;

use crate::helpers::{
    TestApp, history, initial_fields, invalid_fields, location, set, spawn_app, texts,
};

async fn admin_post(app: &TestApp, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
    let token = app.csrf_from("/admin/catalogos/clientes").await;
    let mut form = form.to_vec();
    form.push(("csrf_token", &token));
    app.post_form(path, &form).await
}

async fn entries(app: &TestApp, catalog: Catalog) -> Vec<AdminEntry> {
    app.db(move |c| catalogs::entries(c, catalog).unwrap())
        .await
}

async fn entry(app: &TestApp, catalog: Catalog, id: i32) -> AdminEntry {
    app.db(move |c| catalogs::entry(c, catalog, id).unwrap().unwrap())
        .await
}

/// The option labels of a `<select>` on a page.
async fn options(app: &TestApp, path: &str, select: &str) -> Vec<String> {
    let body = app.get(path).await.text().await.unwrap();
    texts(&body, &format!("select[name={select}] option"))
}

#[tokio::test]
async fn admin_adds_a_client_that_new_orders_can_pick() {
    let app = spawn_app().await;
    app.logged_in("root", Role::Admin).await;
    let r = admin_post(
        &app,
        "/admin/catalogos/clientes",
        &[
            ("descripcion", "  Naviera   del Pacífico "),
            ("grupo", "16"),
            ("comentario", "Alta de prueba"),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/admin/catalogos/clientes");
    let all = entries(&app, Catalog::Clients).await;
    let new = all.last().unwrap();
    assert_eq!(
        (new.description.as_str(), new.group, new.active),
        ("Naviera del Pacífico", Some(16), true)
    );
    let body = app
        .get("/admin/catalogos/clientes")
        .await
        .text()
        .await
        .unwrap();
    assert!(texts(&body, "#entradas td").contains(&"Naviera del Pacífico".to_owned()));
    assert!(
        options(&app, "/ot/nueva", "id_cliente")
            .await
            .contains(&"Naviera del Pacífico".to_owned())
    );
    let id = new.id;
    let log = app.db(move |c| history(c, "clients", id)).await;
    assert_eq!(log.len(), 1);
    assert_eq!(
        (log[0].action.as_str(), log[0].username.as_str()),
        ("crear", "root")
    );
    let page = app
        .get("/actividad?tabla=clients")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains(&format!("href=\"/admin/catalogos/clientes/{id}\"")));
}

#[tokio::test]
async fn bad_catalog_input_gets_spanish_messages_and_changes_nothing() {
    let app = spawn_app().await;
    app.logged_in("root", Role::Admin).await;
    let before = entries(&app, Catalog::Sites).await;
    let long = "x".repeat(201);
    type Case<'a> = (&'a [(&'a str, &'a str)], u16, &'a str);
    let cases: [Case; 5] = [
        (
            &[("descripcion", "   "), ("grupo", "3")],
            422,
            "descripcion",
        ),
        (
            &[("descripcion", "Patio Nuevo"), ("grupo", "")],
            422,
            "grupo",
        ),
        (
            &[("descripcion", "Patio Nuevo"), ("grupo", "99")],
            422,
            "grupo",
        ),
        (
            &[("descripcion", &long), ("grupo", "3")],
            422,
            "descripcion",
        ),
        // Same name as a seeded site, differing only in case, accents and spaces.
        (
            &[("descripcion", "patio  CIUDAD del carmen"), ("grupo", "3")],
            409,
            "descripcion",
        ),
    ];
    for (form, status, field) in cases {
        let r = admin_post(&app, "/admin/catalogos/sitios", form).await;
        assert_eq!(r.status(), status, "{form:?}");
        let body = r.text().await.unwrap();
        assert_eq!(invalid_fields(&body), vec![field.to_owned()], "{form:?}");
        assert!(!texts(&body, ".error")[0].is_empty());
    }
    assert_eq!(entries(&app, Catalog::Sites).await, before, "nothing saved");
}

#[tokio::test]
async fn search_ignores_case_and_accents_and_filters_by_state() {
    let app = spawn_app().await;
    app.logged_in("root", Role::Admin).await;
    let rows = |body: String| texts(&body, "#entradas tbody tr td:nth-child(2)");
    let body = app
        .get("/admin/catalogos/sitios?q=ABKATUN")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(rows(body), ["Intercom Abkatún", "Abkatún-A Permanente"]);
    let body = app
        .get("/admin/catalogos/sitios?estado=inactivos")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(rows(body), ["Patio Tuxpan (cerrado)"]);
    let body = app
        .get("/admin/catalogos/sitios?q=%3Cscript%3E&estado=zzz")
        .await
        .text()
        .await
        .unwrap();
    assert!(rows(body.clone()).is_empty());
    assert!(!body.contains("<script>"), "the query is escaped");
}

#[tokio::test]
async fn a_deactivated_site_leaves_the_pickers_but_stays_on_the_orders_that_use_it() {
    let app = spawn_app().await;
    app.logged_in("root", Role::Admin).await;
    let (id, pte) = app
        .create_initial("OT-1", &[("id_frente", "4"), ("id_plataforma", "9")])
        .await;
    let r = admin_post(&app, "/admin/catalogos/sitios/9/desactivar", &[]).await;
    assert_eq!(r.status(), 303);
    assert!(!entry(&app, Catalog::Sites, 9).await.active);

    // Gone from the picker of a new order, and refused if posted anyway.
    let new_form = options(&app, "/ot/nueva", "id_plataforma").await;
    assert!(!new_form.iter().any(|o| o.contains("Akal-C Perforación")));
    let pte2 = app.create_pte("PTE-2", "1").await;
    let mut fields = initial_fields(pte2, "OT-2");
    set(&mut fields, "id_frente", "4");
    set(&mut fields, "id_plataforma", "9");
    let r = app.post_order(None, &fields).await;
    assert_eq!(r.status(), 422);
    assert_eq!(invalid_fields(&r.text().await.unwrap()), ["id_plataforma"]);

    // Still shown on the order that uses it, and kept when that order is edited.
    let detail = app.get(&format!("/ot/{id}")).await.text().await.unwrap();
    assert!(texts(&detail, "dd").contains(&"Akal-C Perforación".to_owned()));
    let edit = options(&app, &format!("/ot/{id}/editar"), "id_plataforma").await;
    assert!(edit.contains(&"Akal-C Perforación (desactivado)".to_owned()));
    let mut fields = initial_fields(pte, "OT-1");
    set(&mut fields, "id_frente", "4");
    set(&mut fields, "id_plataforma", "9");
    set(&mut fields, "descripcion_trabajo", "Otra descripción");
    set(&mut fields, "version", "1");
    assert_eq!(app.post_order(Some(id), &fields).await.status(), 303);
    let o = app
        .db(move |c| work_orders::find(c, id).unwrap().unwrap())
        .await;
    assert_eq!(o.platform_site_id, Some(9));

    // Reactivated, it is offered again.
    let r = admin_post(&app, "/admin/catalogos/sitios/9/reactivar", &[]).await;
    assert_eq!(r.status(), 303);
    let new_form = options(&app, "/ot/nueva", "id_plataforma").await;
    assert!(new_form.contains(&"Akal-C Perforación".to_owned()));
    let log = app.db(|c| history(c, "sites", 9)).await;
    let actions: Vec<_> = log.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["reactivar", "desactivar"]);
}

#[tokio::test]
async fn a_deactivated_client_and_manager_vanish_from_new_orders_only() {
    let app = spawn_app().await;
    app.logged_in("root", Role::Admin).await;
    let (id, first_pte) = app
        .create_initial(
            "OT-1",
            &[("id_cliente", "5"), ("responsable_proyecto", "2")],
        )
        .await;
    let (other, other_pte) = app.create_initial("OT-0", &[]).await;
    for path in [
        "/admin/catalogos/clientes/5/desactivar",
        "/admin/catalogos/responsables/2/desactivar",
    ] {
        assert_eq!(admin_post(&app, path, &[]).await.status(), 303);
    }
    let clients = options(&app, "/ot/nueva", "id_cliente").await;
    assert!(!clients.iter().any(|o| o.contains("Constructora Regional")));
    let managers = options(&app, "/ot/nueva", "responsable_proyecto").await;
    assert!(!managers.iter().any(|o| o.contains("Jorge Alberto")));
    // A create posted with them anyway is refused: the instance's cached catalogs (read by the
    // first create) are those of after the deactivation.
    let pte = app.create_pte("PTE-OT-2", "1").await;
    let mut fields = initial_fields(pte, "OT-2");
    set(&mut fields, "id_cliente", "5");
    set(&mut fields, "responsable_proyecto", "2");
    let refused = app.post_order(None, &fields).await;
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.unwrap();
    assert!(
        page.contains("El cliente no existe o está desactivado."),
        "{page}"
    );
    assert!(page.contains("El responsable del proyecto no existe o está desactivado."));
    let orders: i64 = app
        .db(|c| {
            use diesel::prelude::*;
            faena::db::schema::work_orders::table
                .count()
                .get_result(c)
                .unwrap()
        })
        .await;
    assert_eq!(orders, 2);
    // Edits check the same cached catalogs: an order may keep the client and manager it had...
    let mut kept = initial_fields(first_pte, "OT-1");
    set(&mut kept, "id_cliente", "5");
    set(&mut kept, "responsable_proyecto", "2");
    set(&mut kept, "descripcion_trabajo", "Alcance revisado");
    assert_eq!(app.post_order(Some(id), &kept).await.status(), 303);
    // ...but another order cannot take them, and nothing of that edit is written.
    let mut taken = initial_fields(other_pte, "OT-0");
    set(&mut taken, "id_cliente", "5");
    set(&mut taken, "responsable_proyecto", "2");
    set(&mut taken, "descripcion_trabajo", "No debe guardarse");
    let refused = app.post_order(Some(other), &taken).await;
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.unwrap();
    assert!(page.contains("El cliente no existe o está desactivado."));
    assert!(page.contains("El responsable del proyecto no existe o está desactivado."));
    let unchanged = app.get(&format!("/ot/{other}")).await.text().await.unwrap();
    assert!(!unchanged.contains("No debe guardarse"));
    let detail = app.get(&format!("/ot/{id}")).await.text().await.unwrap();
    assert!(detail.contains("Alcance revisado"));
    let values = texts(&detail, "dd");
    assert!(values.contains(&"Constructora Regional del Sureste".to_owned()));
    assert!(values.contains(&"Ing. Jorge Alberto Ramírez".to_owned()));
}

#[tokio::test]
async fn codes_the_rules_depend_on_cannot_be_deactivated() {
    let app = spawn_app().await;
    app.logged_in("root", Role::Admin).await;
    for (path, catalog, id) in [
        (
            "/admin/catalogos/clientes/1/desactivar",
            Catalog::Clients,
            1,
        ),
        (
            "/admin/catalogos/estatus-ot/10/desactivar",
            Catalog::OtStatuses,
            10,
        ),
        (
            "/admin/catalogos/estatus-pasos/14/desactivar",
            Catalog::StepStatuses,
            14,
        ),
        ("/admin/catalogos/frentes/2/desactivar", Catalog::Fronts, 2),
    ] {
        let r = admin_post(&app, path, &[]).await;
        assert_eq!(r.status(), 303, "{path}");
        let list = app.get(&location(&r)).await.text().await.unwrap();
        let message = texts(&list, ".flash-error").join(" ");
        assert!(
            message.contains("no se puede desactivar"),
            "{path}: {message}"
        );
        assert!(entry(&app, catalog, id).await.active, "{path}");
    }
    // Fronts and statuses take no new entries (W6, W8 and W9 know only the codes)...
    let before = entries(&app, Catalog::OtStatuses).await;
    let r = admin_post(
        &app,
        "/admin/catalogos/estatus-ot",
        &[("descripcion", "EN PAUSA")],
    )
    .await;
    assert_eq!(r.status(), 409);
    assert_eq!(entries(&app, Catalog::OtStatuses).await, before);
    // ...but they can be renamed, and the forms show the new name.
    let r = admin_post(
        &app,
        "/admin/catalogos/frentes/4",
        &[("descripcion", "PLATAFORMA (CP/PS)"), ("comentario", "")],
    )
    .await;
    assert_eq!(r.status(), 303);
    let fronts = options(&app, "/ot/nueva", "id_frente").await;
    assert!(
        fronts.contains(&"PLATAFORMA (CP/PS)".to_owned()),
        "{fronts:?}"
    );
}

#[tokio::test]
async fn edits_are_logged_field_by_field_and_a_used_site_keeps_its_category() {
    let app = spawn_app().await;
    app.logged_in("root", Role::Admin).await;
    let r = admin_post(
        &app,
        "/admin/catalogos/clientes/5",
        &[
            ("descripcion", "Constructora Regional del Golfo"),
            ("grupo", "16"),
            ("comentario", ""),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    let e = entry(&app, Catalog::Clients, 5).await;
    assert_eq!(
        (e.description.as_str(), e.group),
        ("Constructora Regional del Golfo", Some(16))
    );
    let log = app.db(|c| history(c, "clients", 5)).await;
    let fields: Vec<_> = log
        .iter()
        .map(|e| (e.field.clone().unwrap(), e.new_value.clone().unwrap()))
        .collect();
    assert!(fields.contains(&(
        "descripcion".into(),
        "Constructora Regional del Golfo".into()
    )));
    assert!(fields.contains(&("grupo".into(), "INTERCOM".into())));

    app.create_initial("OT-1", &[("id_frente", "4"), ("id_plataforma", "9")])
        .await;
    let r = admin_post(
        &app,
        "/admin/catalogos/sitios/9",
        &[("descripcion", "Akal-C Perforación"), ("grupo", "3")],
    )
    .await;
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    assert_eq!(invalid_fields(&body), ["grupo"]);
    assert_eq!(entry(&app, Catalog::Sites, 9).await.group, Some(7));
    // An unused site can move.
    let r = admin_post(
        &app,
        "/admin/catalogos/sitios/12",
        &[("descripcion", "Nohoch-A Enlace"), ("grupo", "3")],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(entry(&app, Catalog::Sites, 12).await.group, Some(3));
}

#[tokio::test]
async fn unknown_catalogs_and_entries_answer_404() {
    let app = spawn_app().await;
    app.logged_in("root", Role::Admin).await;
    for path in [
        "/admin/catalogos/usuarios",
        "/admin/catalogos/clientes/999",
        "/admin/catalogos/clientes/abc",
    ] {
        assert_eq!(app.get(path).await.status(), 404, "{path}");
    }
    let r = admin_post(&app, "/admin/catalogos/clientes/999/desactivar", &[]).await;
    assert_eq!(r.status(), 404);
}

#[tokio::test]
async fn two_simultaneous_creations_of_one_name_make_one_entry() {
    let app = spawn_app().await;
    app.logged_in("root", Role::Admin).await;
    let token = app.csrf_from("/admin/catalogos/responsables").await;
    let post = || {
        app.client
            .post(app.url("/admin/catalogos/responsables"))
            .form(&[
                ("descripcion", "Ing. Nuevo Responsable"),
                ("csrf_token", token.as_str()),
            ])
            .send()
    };
    let (a, b) = tokio::join!(post(), post());
    let mut statuses = [a.unwrap().status().as_u16(), b.unwrap().status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [303, 409]);
    let named = entries(&app, Catalog::ProjectManagers)
        .await
        .into_iter()
        .filter(|e| e.description == "Ing. Nuevo Responsable")
        .count();
    assert_eq!(named, 1);
}

#[tokio::test]
async fn a_renamed_entry_shows_at_once_on_cached_pages_of_every_instance() {
    use faena::db::catalogs::{CatalogCache, CatalogKind};
    let app = spawn_app().await;
    app.logged_in("root", Role::Admin).await;
    let (id, _) = app.create_initial("OT-1", &[]).await;
    let other = std::sync::Arc::new(CatalogCache::default());
    let name_there = || {
        let other = other.clone();
        app.db(move |c| other.get(c).unwrap().name(CatalogKind::Client, Some(1)))
    };
    let old = "PEMEX Exploración y Producción";
    assert_eq!(name_there().await, old);
    let detail = app.get(&format!("/ot/{id}")).await.text().await.unwrap();
    assert!(texts(&detail, "dd").contains(&old.to_owned()));
    let list = app.get("/ot").await.text().await.unwrap();
    assert!(list.contains(old));

    let r = admin_post(
        &app,
        "/admin/catalogos/clientes/1",
        &[("descripcion", "PEP Exploración"), ("grupo", "15")],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(name_there().await, "PEP Exploración", "the other instance");
    let detail = app.get(&format!("/ot/{id}")).await.text().await.unwrap();
    assert!(texts(&detail, "dd").contains(&"PEP Exploración".to_owned()));
    let list = app.get("/ot").await.text().await.unwrap();
    assert!(list.contains("PEP Exploración") && !list.contains(old));
}

/// Pages check their cached catalogs against the version rows the request gate read after the
/// request arrived (issue 14: no read of their own): a client renamed by another instance — a
/// write straight to the database — shows on this instance's next order page and list, with the
/// session still served from this instance's copy.
#[tokio::test]
async fn a_client_renamed_by_another_instance_shows_on_the_next_page_here() {
    let app = spawn_app().await;
    app.logged_in("ana", Role::Gestor).await;
    let (id, _) = app.create_initial("OT-1", &[]).await;
    let old = "PEMEX Exploración y Producción";
    for _ in 0..2 {
        // Twice: the second time the session and the catalogs come from this instance's caches.
        let detail = app.get(&format!("/ot/{id}")).await.text().await.unwrap();
        assert!(texts(&detail, "dd").contains(&old.to_owned()));
        assert!(app.get("/ot").await.text().await.unwrap().contains(old));
    }
    app.db(|c| {
        let form = faena::domain::catalog::EntryForm {
            descripcion: "PEP Exploración".into(),
            grupo: "15".into(),
            comentario: String::new(),
        };
        let now = chrono::Utc::now().naive_utc();
        faena::services::catalogs::update(
            c,
            Catalog::Clients,
            1,
            &form,
            &faena::services::Actor::console(),
            now,
        )
        .unwrap();
    })
    .await;
    let detail = app.get(&format!("/ot/{id}")).await.text().await.unwrap();
    assert!(texts(&detail, "dd").contains(&"PEP Exploración".to_owned()));
    let list = app.get("/ot").await.text().await.unwrap();
    assert!(list.contains("PEP Exploración") && !list.contains(old));
}

/// Issue 12 §6: the administrator sets the company's name; every OT printout carries it at the
/// top (the detail page's print header and the selection print); others cannot change it.
#[tokio::test]
async fn the_company_name_heads_every_printout() {
    let app = spawn_app().await;
    app.logged_in("root", Role::Admin).await;
    let (id, _) = app.create_initial("OT-EMP", &[]).await;
    let page = app.get(&format!("/ot/{id}")).await.text().await.unwrap();
    assert!(texts(&page, ".company-name").is_empty(), "none until set");

    let token = app.csrf_from("/admin/empresa").await;
    let long = "x".repeat(121);
    let r = app
        .post_form(
            "/admin/empresa",
            &[("csrf_token", &token), ("nombre_empresa", &long)],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(
        texts(&r.text().await.unwrap(), ".error")
            .join(" ")
            .contains("pasa de 120")
    );
    let r = app
        .post_form(
            "/admin/empresa",
            &[
                ("csrf_token", &token),
                ("nombre_empresa", "  Constructora   del Golfo <S.A.> "),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let page = app.get(&format!("/ot/{id}")).await.text().await.unwrap();
    assert_eq!(
        texts(&page, ".company-name"),
        vec!["Constructora del Golfo <S.A.>"]
    );
    assert!(!page.contains("<S.A.>"), "escaped");
    let print = app.get("/ot/imprimir").await.text().await.unwrap();
    assert_eq!(
        texts(&print, ".company-name"),
        vec!["Constructora del Golfo <S.A.>"]
    );

    let gus = crate::helpers::spawn_second_login(&app, "gus", Role::Gestor).await;
    let page = gus
        .get(app.url("/ot"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = crate::helpers::csrf_in(&page).unwrap();
    let r = gus
        .post(app.url("/admin/empresa"))
        .form(&[("csrf_token", token.as_str()), ("nombre_empresa", "Otra")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let entries = app
        .db(|c| activity::by_action(c, "editar", 20).unwrap())
        .await;
    assert!(entries.iter().any(|e| e.table_name == "app_settings"));
}

/// Pages read every catalog in one statement: each list whole, in its picker order (clients,
/// managers and sites by name, statuses and fronts by id), with its group.
#[tokio::test]
async fn pages_load_every_catalog_whole_and_in_picker_order() {
    let app = spawn_app().await;
    app.logged_in("root", Role::Admin).await;
    // Names out of id order.
    for name in ["Zeta Marina", "Alfa Offshore"] {
        let r = admin_post(
            &app,
            "/admin/catalogos/clientes",
            &[("descripcion", name), ("grupo", "16"), ("comentario", "")],
        )
        .await;
        assert_eq!(r.status(), 303);
    }
    let loaded = app.db(|c| catalogs::Catalogs::load(c).unwrap()).await;
    let by_name = |list: &[catalogs::Entry]| {
        let names: Vec<&str> = list.iter().map(|e| e.description.as_str()).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        assert_eq!(names, sorted);
    };
    let by_id = |list: &[catalogs::Entry]| {
        assert!(list.windows(2).all(|w| w[0].id < w[1].id));
    };
    by_name(&loaded.clients);
    by_name(&loaded.project_managers);
    by_name(&loaded.sites);
    by_id(&loaded.statuses);
    by_id(&loaded.fronts);
    for (list, catalog) in [
        (&loaded.clients, Catalog::Clients),
        (&loaded.project_managers, Catalog::ProjectManagers),
        (&loaded.sites, Catalog::Sites),
    ] {
        let admin = entries(&app, catalog).await;
        let mut ids: Vec<i32> = list.iter().map(|e| e.id).collect();
        ids.sort_unstable();
        assert_eq!(
            ids,
            admin.iter().map(|e| e.id).collect::<Vec<_>>(),
            "{catalog:?}"
        );
        for a in &admin {
            let e = list.iter().find(|e| e.id == a.id).unwrap();
            assert_eq!((&e.description, e.active), (&a.description, a.active));
            if matches!(catalog, Catalog::Clients | Catalog::Sites) {
                assert_eq!(e.group, a.group, "{catalog:?} {}", a.description);
            }
        }
    }
    let alfa = loaded
        .clients
        .iter()
        .find(|e| e.description == "Alfa Offshore")
        .unwrap();
    assert_eq!(alfa.group, Some(16));
    assert!(loaded.project_managers.iter().all(|e| e.group.is_none()));
    assert!(
        loaded.statuses.iter().any(|e| e.group.is_some()),
        "statuses carry their scope"
    );
}

/// The step editor and the history name step statuses from the instance's cached catalogs: a
/// rename made after the cache was filled shows at once in the row and in the history.
#[tokio::test]
async fn a_renamed_step_status_names_the_next_step_change() {
    use diesel::prelude::*;
    use faena::db::schema::{activity_log, steps};
    let app = spawn_app().await;
    app.logged_in("root", Role::Admin).await;
    let (id, _) = app.create_initial("OT-1", &[]).await;
    let step: i32 = app
        .db(move |c| {
            steps::table
                .filter(steps::work_order_id.eq(id))
                .order(steps::id)
                .select(steps::id)
                .first(c)
                .unwrap()
        })
        .await;
    let change = |status: &'static str| {
        let app = &app;
        async move {
            let token = app.csrf_from("/ot").await;
            app.client
                .post(app.url(&format!("/ot/{id}/pasos/{step}")))
                .header("x-faena-fragment", "1")
                .form(&[("estatus", status), ("csrf_token", &token)])
                .send()
                .await
                .unwrap()
        }
    };
    // The first change fills the cache.
    assert_eq!(change("2").await.status(), 200);
    let r = admin_post(
        &app,
        "/admin/catalogos/estatus-pasos/3",
        &[("descripcion", "CONCLUIDO"), ("comentario", "")],
    )
    .await;
    assert_eq!(r.status(), 303);
    let row = change("3").await;
    assert_eq!(row.status(), 200);
    let row = row.text().await.unwrap();
    assert!(
        texts(&row, "select[name=estatus] option[selected]") == ["CONCLUIDO"],
        "{row}"
    );
    let logged: Vec<(Option<String>, Option<String>)> = app
        .db(move |c| {
            activity_log::table
                .filter(activity_log::record_id.eq(id))
                .filter(activity_log::field.like("Paso%estatus"))
                .order(activity_log::id)
                .select((activity_log::old_value, activity_log::new_value))
                .load(c)
                .unwrap()
        })
        .await;
    assert_eq!(
        logged.last(),
        Some(&(Some("PROCESO".to_owned()), Some("CONCLUIDO".to_owned())))
    );
}
