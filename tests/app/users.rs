//! User administration (admin only): create with a temporary password, roles, disable, unlock,
//! and the last active administrator's protection.

use faena::db::users;
use faena::domain::role::Role;

use crate::helpers::{
    TestApp, client_with, csrf_in, location, spawn_app, spawn_second_login, texts,
};

async fn admin_post(app: &TestApp, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
    let token = app.csrf_from("/admin/usuarios").await;
    let mut form = form.to_vec();
    form.push(("csrf_token", &token));
    app.post_form(path, &form).await
}

async fn user(app: &TestApp, name: &'static str) -> users::User {
    app.db(move |c| users::find_by_username(c, name).unwrap().unwrap())
        .await
}

#[tokio::test]
async fn admin_creates_a_user_whose_temporary_password_must_be_changed() {
    let app = spawn_app().await;
    app.logged_in("root", Role::Admin).await;
    let r = admin_post(
        &app,
        "/admin/usuarios",
        &[
            ("username", "Nueva.Gestora"),
            ("nombre", "Nueva Gestora"),
            ("rol", "gestor"),
        ],
    )
    .await;
    assert_eq!(r.status(), 200);
    let body = r.text().await.unwrap();
    let password = texts(&body, "#contrasena-temporal")[0].clone();
    assert!(password.len() >= 12);
    let created = user(&app, "nueva.gestora").await;
    assert_eq!(
        (created.role.as_str(), created.must_change_password),
        ("gestor", true)
    );

    let browser = client_with(Default::default());
    let page = browser
        .get(app.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = csrf_in(&page).unwrap();
    let r = browser
        .post(app.url("/login"))
        .form(&[
            ("username", "nueva.gestora"),
            ("password", password.as_str()),
            ("csrf_token", token.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&r), "/cuenta/contrasena");

    let r = admin_post(
        &app,
        "/admin/usuarios",
        &[("username", "nueva.gestora"), ("rol", "consulta")],
    )
    .await;
    assert_eq!(r.status(), 422);
    assert!(texts(&r.text().await.unwrap(), "#error-usuario")[0].contains("Ya existe"));
}

#[tokio::test]
async fn the_last_active_admin_can_be_neither_disabled_nor_demoted() {
    let app = spawn_app().await;
    app.logged_in("root", Role::Admin).await;
    let root = user(&app, "root").await;
    let r = admin_post(
        &app,
        &format!("/admin/usuarios/{}/desactivar", root.id),
        &[],
    )
    .await;
    assert_eq!(r.status(), 303);
    let list = app.get("/admin/usuarios").await.text().await.unwrap();
    assert!(texts(&list, ".flash-error")[0].contains("último administrador"));
    admin_post(
        &app,
        &format!("/admin/usuarios/{}/rol", root.id),
        &[("rol", "consulta")],
    )
    .await;
    let root = user(&app, "root").await;
    assert_eq!((root.active, root.role.as_str()), (true, "admin"));

    // With a second admin, the first can step down.
    app.create_user("otra", Role::Admin).await;
    let r = admin_post(
        &app,
        &format!("/admin/usuarios/{}/rol", root.id),
        &[("rol", "gestor")],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(user(&app, "root").await.role, "gestor");
    // The change applies at once: root is no longer an administrator.
    assert_eq!(app.get("/admin/usuarios").await.status(), 403);
}

#[tokio::test]
async fn disabling_closes_the_users_sessions_at_once_and_unlock_lifts_a_lock() {
    let app = spawn_app().await;
    app.logged_in("root", Role::Admin).await;
    let ana = spawn_second_login(&app, "ana", Role::Gestor).await;
    assert_eq!(ana.get(app.url("/ot")).send().await.unwrap().status(), 200);
    let id = user(&app, "ana").await.id;
    let r = admin_post(&app, &format!("/admin/usuarios/{id}/desactivar"), &[]).await;
    assert_eq!(r.status(), 303);
    let r = ana.get(app.url("/ot")).send().await.unwrap();
    assert!(
        location(&r).starts_with("/login"),
        "the open session is refused on the next request"
    );
    admin_post(&app, &format!("/admin/usuarios/{id}/activar"), &[]).await;
    assert!(user(&app, "ana").await.active);

    for _ in 0..5 {
        let page = client_with(Default::default());
        let body = page
            .get(app.url("/login"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let token = csrf_in(&body).unwrap();
        page.post(app.url("/login"))
            .form(&[
                ("username", "ana"),
                ("password", "incorrecta-del-todo"),
                ("csrf_token", token.as_str()),
            ])
            .send()
            .await
            .unwrap();
    }
    assert!(user(&app, "ana").await.locked_until.is_some());
    let r = admin_post(&app, &format!("/admin/usuarios/{id}/desbloquear"), &[]).await;
    assert_eq!(r.status(), 303);
    let ana = user(&app, "ana").await;
    assert_eq!((ana.locked_until, ana.failed_logins), (None, 0));
}

#[tokio::test]
async fn every_admin_route_refuses_gestor_and_consulta() {
    let app = spawn_app().await;
    app.logged_in("root", Role::Admin).await;
    let target = user(&app, "root").await.id.to_string();
    let templates_before = app.db(|c| faena::db::templates::all(c).unwrap()).await;
    let rules_before = app.db(|c| faena::db::templates::rules(c).unwrap()).await;
    for role in [Role::Gestor, Role::Consulta] {
        let name = if role == Role::Gestor { "gus" } else { "cora" };
        let client = spawn_second_login(&app, name, role).await;
        let page = client
            .get(app.url("/ot"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let token = csrf_in(&page).unwrap();
        for route in faena::routes::table()
            .into_iter()
            .filter(|r| r.path.starts_with("/admin/") || r.path == "/actividad")
        {
            let path = route
                .path
                .replace("{id}", &target)
                .replace("{catalogo}", "clientes");
            let request = if route.method == actix_web::http::Method::GET {
                client.get(app.url(&path))
            } else {
                client.post(app.url(&path)).form(&[
                    ("csrf_token", token.as_str()),
                    ("rol", "consulta"),
                    ("username", "x"),
                    ("nombre", "x"),
                    ("descripcion", "x"),
                    ("grupo", "15"),
                    ("conjunto", "18"),
                    ("tipo", "4"),
                    ("cliente", "5"),
                ])
            };
            let r = request.send().await.unwrap();
            assert_eq!(r.status(), 403, "{role:?} {} {path}", route.method);
        }
    }
    let root = user(&app, "root").await;
    assert_eq!((root.active, root.role.as_str()), (true, "admin"));
    let count = app.db(|c| users::count(c).unwrap()).await;
    assert_eq!(count, 3, "nobody created");
    let clients = app
        .db(|c| faena::db::catalogs::entries(c, faena::domain::catalog::Catalog::Clients).unwrap())
        .await;
    assert_eq!(clients.len(), 5, "no client added");
    assert!(clients.iter().all(|c| c.active && c.description != "x"));
    let templates_after = app.db(|c| faena::db::templates::all(c).unwrap()).await;
    assert_eq!(templates_after, templates_before, "templates untouched");
    let rules_after = app.db(|c| faena::db::templates::rules(c).unwrap()).await;
    assert_eq!(rules_after, rules_before, "rules untouched");
}
