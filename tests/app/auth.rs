//! Login, logout, sessions, throttling, password change.

use std::time::Duration;

use diesel::RunQueryDsl;

use faena::db::{activity, users};
use faena::domain::role::Role;
use faena::routes::account::LOGIN_REFUSED;

use crate::helpers::{client_with, location, spawn_app, spawn_app_with, texts};

#[tokio::test]
async fn login_with_the_right_password_opens_a_session_and_logs_it() {
    let app = spawn_app().await;
    let ana = app.create_user("ana", Role::Gestor).await;

    let response = app.login_raw("ana", &ana.password).await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/");

    let home = app.get("/ot").await;
    assert_eq!(home.status(), 200);
    let body = home.text().await.unwrap();
    assert!(
        texts(&body, ".who")
            .iter()
            .any(|t| t.contains("Usuario ana"))
    );

    let logins = app
        .db(|c| activity::by_action(c, "login", 10).unwrap())
        .await;
    assert_eq!(logins.len(), 1);
    assert_eq!(logins[0].username, "ana");
}

#[tokio::test]
async fn usernames_are_matched_without_regard_to_case_or_spaces() {
    let app = spawn_app().await;
    let ana = app.create_user("ana", Role::Consulta).await;
    let response = app.login_raw("  ANA ", &ana.password).await;
    assert_eq!(response.status(), 303);
}

#[tokio::test]
async fn wrong_password_and_unknown_user_get_the_same_answer() {
    let app = spawn_app().await;
    app.create_user("ana", Role::Gestor).await;

    let wrong = app.login_raw("ana", "no-es-la-clave-correcta").await;
    let wrong_status = wrong.status();
    let wrong_body = wrong.text().await.unwrap();
    let unknown = app.login_raw("nadie", "no-es-la-clave-correcta").await;
    let unknown_status = unknown.status();
    let unknown_body = unknown.text().await.unwrap();

    assert_eq!(wrong_status, 401);
    assert_eq!(wrong_status, unknown_status);
    assert_eq!(
        texts(&wrong_body, ".flash-error"),
        vec![LOGIN_REFUSED.to_owned()]
    );
    assert_eq!(
        texts(&wrong_body, ".flash-error"),
        texts(&unknown_body, ".flash-error")
    );
    // Nothing was opened: the home page still asks for a login.
    assert!(location(&app.get("/ot").await).starts_with("/login"));

    let failures = app
        .db(|c| activity::by_action(c, "login_fallido", 10).unwrap())
        .await;
    assert_eq!(failures.len(), 2, "both failures are in the activity log");
}

#[tokio::test]
async fn five_failures_lock_the_account_even_for_the_right_password() {
    let app = spawn_app().await;
    let ana = app.create_user("ana", Role::Gestor).await;
    for _ in 0..5 {
        let r = app.login_raw("ana", "clave-equivocada-123").await;
        assert_eq!(r.status(), 401);
    }
    let locked = app.login_raw("ana", &ana.password).await;
    assert_eq!(
        locked.status(),
        401,
        "the right password is refused while locked"
    );
    assert_eq!(
        texts(&locked.text().await.unwrap(), ".flash-error"),
        vec![LOGIN_REFUSED.to_owned()],
        "a locked account gets the same answer as a wrong password"
    );

    let user = app
        .db(|c| users::find_by_username(c, "ana").unwrap().unwrap())
        .await;
    assert_eq!(user.failed_logins, 5);
    let until = user.locked_until.expect("locked");
    let wait = until - chrono::Utc::now().naive_utc();
    assert!(wait > chrono::Duration::seconds(30) && wait <= chrono::Duration::minutes(1));
    assert_eq!(
        app.db(|c| activity::by_action(c, "bloqueo", 10).unwrap())
            .await
            .len(),
        1
    );

    // Once the wait is over, the right password works and the counter starts again.
    app.db(move |c| {
        users::lock_until(
            c,
            user.id,
            chrono::Utc::now().naive_utc() - chrono::Duration::seconds(1),
        )
        .unwrap()
    })
    .await;
    assert_eq!(app.login_raw("ana", &ana.password).await.status(), 303);
    let user = app
        .db(|c| users::find_by_username(c, "ana").unwrap().unwrap())
        .await;
    assert_eq!(user.failed_logins, 0);
    assert_eq!(user.locked_until, None);
}

#[tokio::test]
async fn a_disabled_account_cannot_log_in_and_its_open_session_is_refused() {
    let app = spawn_app().await;
    let ana = app.create_user("ana", Role::Gestor).await;
    app.login(&ana).await;
    assert_eq!(app.get("/ot").await.status(), 200);

    app.db(|c| {
        let user = users::find_by_username(c, "ana").unwrap().unwrap();
        faena::services::accounts::disable_user(
            c,
            &user,
            &faena::services::Actor::console(),
            chrono::Utc::now().naive_utc(),
        )
        .unwrap()
    })
    .await;
    assert!(location(&app.get("/ot").await).starts_with("/login"));
    assert_eq!(app.login_raw("ana", &ana.password).await.status(), 401);
}

#[tokio::test]
async fn logout_revokes_the_old_cookie() {
    let app = spawn_app().await;
    let ana = app.create_user("ana", Role::Gestor).await;
    app.login(&ana).await;
    let cookie = app.session_cookie().expect("session cookie");

    let token = app.csrf_from("/ot").await;
    let response = app.post_form("/logout", &[("csrf_token", &token)]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/login?salida=1");

    // Replay the cookie from before the logout in a fresh client: it opens nothing.
    let replay = client_with(Default::default())
        .get(app.url("/ot"))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status(), 303);
    assert!(location(&replay).starts_with("/login"));
}

#[tokio::test]
async fn a_session_past_its_idle_timeout_is_refused() {
    let app = spawn_app_with(|c| c.session_idle = Duration::from_secs(2)).await;
    let ana = app.create_user("ana", Role::Gestor).await;
    app.login(&ana).await;
    assert_eq!(app.get("/ot").await.status(), 200);
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let response = app.get("/ot").await;
    assert_eq!(response.status(), 303);
    assert!(location(&response).starts_with("/login"));
}

#[tokio::test]
async fn activity_keeps_a_session_alive_past_the_idle_timeout() {
    let app = spawn_app_with(|c| c.session_idle = Duration::from_secs(3)).await;
    let ana = app.create_user("ana", Role::Gestor).await;
    app.login(&ana).await;
    for _ in 0..4 {
        tokio::time::sleep(Duration::from_millis(1200)).await;
        assert_eq!(
            app.get("/ot").await.status(),
            200,
            "a used session stays open"
        );
    }
}

#[tokio::test]
async fn a_session_older_than_the_absolute_timeout_is_refused_even_if_used() {
    let app = spawn_app_with(|c| c.session_absolute = Duration::from_secs(4)).await;
    let ana = app.create_user("ana", Role::Gestor).await;
    app.login(&ana).await;
    assert_eq!(app.get("/ot").await.status(), 200);
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert_eq!(
        app.get("/ot").await.status(),
        200,
        "used and younger than 4 s"
    );
    tokio::time::sleep(Duration::from_millis(3500)).await;
    assert!(location(&app.get("/ot").await).starts_with("/login"));
}

#[tokio::test]
async fn the_session_id_changes_at_login() {
    let app = spawn_app().await;
    let ana = app.create_user("ana", Role::Gestor).await;
    app.csrf_from("/login").await;
    let before = app
        .session_cookie()
        .expect("anonymous session for the login form");
    app.login(&ana).await;
    let after = app.session_cookie().expect("session cookie");
    assert_ne!(before, after);

    // The pre-login cookie does not carry the login.
    let replay = client_with(Default::default())
        .get(app.url("/ot"))
        .header("cookie", before)
        .send()
        .await
        .unwrap();
    assert!(location(&replay).starts_with("/login"));
}

#[tokio::test]
async fn login_returns_to_the_page_asked_for_but_never_to_another_site() {
    let app = spawn_app().await;
    let ana = app.create_user("ana", Role::Gestor).await;
    let first = app.get("/cuenta/contrasena").await;
    assert_eq!(location(&first), "/login?next=%2Fcuenta%2Fcontrasena");

    let token = app.csrf_from("/login?next=%2Fcuenta%2Fcontrasena").await;
    let response = app
        .post_form(
            "/login",
            &[
                ("username", "ana"),
                ("password", &ana.password),
                ("next", "/cuenta/contrasena"),
                ("csrf_token", &token),
            ],
        )
        .await;
    assert_eq!(location(&response), "/cuenta/contrasena");

    let other = spawn_app().await;
    let bob = other.create_user("bob", Role::Gestor).await;
    let token = other.csrf_from("/login").await;
    let response = other
        .post_form(
            "/login",
            &[
                ("username", "bob"),
                ("password", &bob.password),
                ("next", "//evil.example/robar"),
                ("csrf_token", &token),
            ],
        )
        .await;
    assert_eq!(location(&response), "/");
}

#[tokio::test]
async fn a_temporary_password_must_be_changed_before_anything_else() {
    let app = spawn_app().await;
    let ana = app.create_user_with("ana", Role::Gestor, true).await;
    let response = app.login_raw("ana", &ana.password).await;
    assert_eq!(location(&response), "/cuenta/contrasena");
    // Every other page sends the user back to the password form.
    assert_eq!(location(&app.get("/ot").await), "/cuenta/contrasena");

    let token = app.csrf_from("/cuenta/contrasena").await;
    let new_password = "una frase larga y nueva";
    let response = app
        .post_form(
            "/cuenta/contrasena",
            &[
                ("actual", &ana.password),
                ("nueva", new_password),
                ("confirmacion", new_password),
                ("csrf_token", &token),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/");
    assert_eq!(app.get("/ot").await.status(), 200);
    let user = app
        .db(|c| users::find_by_username(c, "ana").unwrap().unwrap())
        .await;
    assert!(!user.must_change_password);
    assert!(faena::services::password::verify(
        new_password,
        &user.password_hash
    ));
}

#[tokio::test]
async fn a_weak_new_password_is_refused_field_by_field_and_nothing_changes() {
    let app = spawn_app().await;
    let ana = app.create_user("ana", Role::Gestor).await;
    app.login(&ana).await;
    let before = app
        .db(|c| {
            users::find_by_username(c, "ana")
                .unwrap()
                .unwrap()
                .password_hash
        })
        .await;

    let token = app.csrf_from("/cuenta/contrasena").await;
    let response = app
        .post_form(
            "/cuenta/contrasena",
            &[
                ("actual", "no-es-la-actual-para-nada"),
                ("nueva", "corta"),
                ("confirmacion", "otra"),
                ("csrf_token", &token),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let body = response.text().await.unwrap();
    let doc = scraper::Html::parse_document(&body);
    let invalid = scraper::Selector::parse(r#"input[aria-invalid="true"]"#).unwrap();
    let names: Vec<_> = doc
        .select(&invalid)
        .filter_map(|e| e.value().attr("name"))
        .collect();
    assert_eq!(names, ["actual", "nueva", "confirmacion"]);
    assert_eq!(texts(&body, ".error").len(), 3);
    assert!(texts(&body, ".error")[1].contains("12 caracteres"));

    let after = app
        .db(|c| {
            users::find_by_username(c, "ana")
                .unwrap()
                .unwrap()
                .password_hash
        })
        .await;
    assert_eq!(before, after);
}

#[tokio::test]
async fn changing_the_password_closes_the_other_sessions() {
    let app = spawn_app().await;
    let ana = app.create_user("ana", Role::Gestor).await;
    app.login(&ana).await;

    let laptop = spawn_second_client(&app, &ana).await;
    assert_eq!(
        laptop.get(app.url("/ot")).send().await.unwrap().status(),
        200
    );

    let token = app.csrf_from("/cuenta/contrasena").await;
    let new_password = "otra frase larga distinta";
    let response = app
        .post_form(
            "/cuenta/contrasena",
            &[
                ("actual", &ana.password),
                ("nueva", new_password),
                ("confirmacion", new_password),
                ("csrf_token", &token),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(
        app.get("/ot").await.status(),
        200,
        "the session that changed it goes on"
    );
    let other = laptop.get(app.url("/ot")).send().await.unwrap();
    assert!(
        location(&other).starts_with("/login"),
        "the other session is closed"
    );
}

async fn spawn_second_client(
    app: &crate::helpers::TestApp,
    user: &crate::helpers::TestUser,
) -> reqwest::Client {
    let client = client_with(Default::default());
    let body = client
        .get(app.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = crate::helpers::csrf_in(&body).unwrap();
    let response = client
        .post(app.url("/login"))
        .form(&[
            ("username", user.username.as_str()),
            ("password", &user.password),
            ("csrf_token", &token),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    client
}

/// Issue 13 §2: 24 parallel guesses on one account check at most five passwords (the attempt is
/// counted before the hash), and the right password among the refused ones is not accepted.
#[tokio::test]
async fn parallel_guesses_check_at_most_five_passwords() {
    // From 24 addresses (behind a trusted proxy), so the per-address limit does not stop them.
    let app = spawn_app_with(|c| c.trust_proxy = true).await;
    let ana = app.create_user("ana", Role::Gestor).await;
    let token = app.csrf_from("/login").await;
    let attempt = |password: String, n: u8| {
        let app = &app;
        let token = token.clone();
        async move {
            app.client
                .post(app.url("/login"))
                .header("x-forwarded-for", format!("203.0.113.{n}"))
                .form(&[
                    ("username", "ana"),
                    ("password", password.as_str()),
                    ("csrf_token", token.as_str()),
                ])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    let guesses: Vec<_> = (0..24u8)
        .map(|n| attempt(format!("clave-equivocada-{n:03}"), n))
        .collect();
    let statuses = futures_util::future::join_all(guesses).await;
    assert!(statuses.iter().all(|s| *s == 401), "{statuses:?}");
    let failures = app
        .db(|c| activity::by_action(c, "login_fallido", 100).unwrap())
        .await;
    assert_eq!(failures.len(), 24);
    let checked = failures
        .iter()
        .filter(|e| e.detail.as_deref() == Some("contraseña incorrecta"))
        .count();
    assert!(checked <= 5, "{checked} passwords were checked");
    assert_eq!(checked, 5, "the first five are checked");
    // Now locked: the right password waits too.
    assert_eq!(attempt(ana.password.clone(), 99).await, 401);
}

/// Issue 13 §1: one address gets ten attempts at once, then 429 with Retry-After and a Spanish
/// page; another address is not affected.
#[tokio::test]
async fn login_attempts_are_limited_per_client_address() {
    let app = spawn_app_with(|c| c.trust_proxy = true).await;
    app.create_user("ana", Role::Gestor).await;
    let token = app.csrf_from("/login").await;
    let attempt = |from: &'static str| {
        let app = &app;
        let token = token.clone();
        async move {
            app.client
                .post(app.url("/login"))
                .header("x-forwarded-for", from)
                .form(&[
                    ("username", "nadie"),
                    ("password", "clave-equivocada-123"),
                    ("csrf_token", token.as_str()),
                ])
                .send()
                .await
                .unwrap()
        }
    };
    for _ in 0..10 {
        assert_eq!(attempt("198.51.100.7").await.status(), 401);
    }
    let r = attempt("198.51.100.7").await;
    assert_eq!(r.status(), 429);
    let wait: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=10).contains(&wait), "{wait}");
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Demasiados intentos desde este equipo")
    );
    assert_eq!(attempt("198.51.100.8").await.status(), 401);
}

/// Issue 13 §4: visitors who only open the login page leave nothing on the server (the form's
/// token is signed from a cookie nonce), and the login still works and still needs that token.
#[tokio::test]
async fn anonymous_visitors_write_no_session_rows() {
    use diesel::prelude::*;
    use faena::db::schema::sessions;
    let app = spawn_app().await;
    let ana = app.create_user("ana", Role::Gestor).await;
    let count = || app.db(|c| sessions::table.count().get_result::<i64>(c).unwrap());
    let before = count().await;
    let mut statuses = Vec::new();
    // Forty visitors at a time (one address may have 64 requests in flight).
    for _ in 0..25 {
        let visits = (0..40).map(|_| {
            let app = &app;
            async move {
                // A new visitor each time: no cookies.
                let client = client_with(Default::default());
                client.get(app.url("/login")).send().await.unwrap().status()
            }
        });
        statuses.extend(futures_util::future::join_all(visits).await);
    }
    assert_eq!(statuses.len(), 1000);
    assert!(statuses.iter().all(|s| s.as_u16() == 200));
    assert_eq!(count().await, before, "no row for anonymous visitors");
    // The token of one visitor's cookie is not another's.
    let other = client_with(Default::default());
    let page = other
        .get(app.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let foreign = crate::helpers::csrf_in(&page).unwrap();
    let mine = client_with(Default::default());
    mine.get(app.url("/login")).send().await.unwrap();
    let r = mine
        .post(app.url("/login"))
        .form(&[
            ("username", "ana"),
            ("password", ana.password.as_str()),
            ("csrf_token", foreign.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        403,
        "a token from another visitor's cookie is refused"
    );
    app.login(&ana).await;
    assert_eq!(
        count().await,
        before + 1,
        "the session row is written at login"
    );
}

/// Sends GET `path` to the instance at `address` with `cookie`.
async fn get_with_cookie(address: &str, path: &str, cookie: &str) -> reqwest::Response {
    client_with(Default::default())
        .get(format!("{address}{path}"))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_warm_session_is_validated_without_reading_its_row() {
    let app = spawn_app().await;
    let ana = app.create_user("ana", Role::Gestor).await;
    app.login(&ana).await;
    // The first page after login stores the session's CSRF token (a state change); the second
    // leaves the session as it is (every page used to rewrite it, removing an absent flash).
    for _ in 0..2 {
        assert_eq!(app.get("/ot").await.status(), 200);
    }
    // Make the row itself too old (created_at changes nothing the `auth` version stands for, and
    // never changes in practice): the instance keeps using the session it checked.
    app.db(|c| {
        diesel::sql_query("UPDATE sessions SET created_at = '2000-01-01 00:00:00'")
            .execute(c)
            .unwrap()
    })
    .await;
    assert_eq!(app.get("/ot").await.status(), 200, "served from the copy");
    // Any change a trigger stands for (here: another user's role) makes every copy stale, and
    // the row is read again: now it is past its absolute expiry.
    let other = app.create_user("beto", Role::Gestor).await;
    app.db(move |c| {
        let beto = users::find_by_username(c, &other.username)
            .unwrap()
            .unwrap();
        users::set_role(c, beto.id, "consulta", chrono::Utc::now().naive_utc()).unwrap()
    })
    .await;
    assert!(location(&app.get("/ot").await).starts_with("/login"));
}

#[tokio::test]
async fn a_logout_on_one_instance_is_refused_at_once_on_another() {
    let app = spawn_app().await;
    let other = app.another_instance().await;
    let ana = app.create_user("ana", Role::Gestor).await;
    app.login(&ana).await;
    let cookie = app.session_cookie().expect("session cookie");
    // Both instances have checked (and keep) the session.
    for _ in 0..3 {
        assert_eq!(app.get("/ot").await.status(), 200);
        assert_eq!(get_with_cookie(&other, "/ot", &cookie).await.status(), 200);
    }
    let token = app.csrf_from("/ot").await;
    assert_eq!(
        app.post_form("/logout", &[("csrf_token", &token)])
            .await
            .status(),
        303
    );
    let replay = get_with_cookie(&other, "/ot", &cookie).await;
    assert_eq!(replay.status(), 303, "the other instance refuses at once");
    assert!(location(&replay).starts_with("/login"));
}

#[tokio::test]
async fn a_role_change_on_one_instance_applies_at_once_on_another() {
    let app = spawn_app().await;
    let other = app.another_instance().await;
    let ana = app.create_user("ana", Role::Gestor).await;
    app.login(&ana).await;
    let cookie = app.session_cookie().expect("session cookie");
    assert_eq!(
        get_with_cookie(&other, "/ot/nueva", &cookie).await.status(),
        200
    );
    app.db(|c| {
        let ana = users::find_by_username(c, "ana").unwrap().unwrap();
        users::set_role(c, ana.id, "consulta", chrono::Utc::now().naive_utc()).unwrap()
    })
    .await;
    assert_eq!(
        get_with_cookie(&other, "/ot/nueva", &cookie).await.status(),
        403,
        "the other instance reads the new role at once"
    );
}

/// Issue 14: a save's message travels to the next page in a signed cookie: saving writes no
/// session row and makes no instance read its sessions again; the message shows once; a message
/// the server did not sign never shows.
#[tokio::test]
async fn a_saved_message_travels_in_a_signed_cookie_without_writing_the_session() {
    use crate::helpers::initial_fields;
    let app = spawn_app().await;
    app.logged_in("ana", Role::Gestor).await;
    let pte = app.create_pte("PTE-AVISO", "1").await;
    // The PTE's own message is shown (and cleared) by the next page.
    assert_eq!(app.get("/ot").await.status(), 200);
    // The session states (not their expiry) and the `auth` version.
    let snapshot = || async {
        let (rows, auth) = sessions_and_auth_version(&app).await;
        let states: Vec<String> = rows.into_iter().map(|r| r.state).collect();
        (states, auth)
    };
    let before = snapshot().await;
    let saved = app.post_order(None, &initial_fields(pte, "OT-AVISO")).await;
    assert_eq!(saved.status(), 303);
    let set_cookie: Vec<String> = saved
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok().map(str::to_owned))
        .collect();
    assert!(
        set_cookie.iter().any(|c| c.starts_with("faena_aviso=")
            && c.contains("HttpOnly")
            && c.contains("SameSite=Lax")),
        "{set_cookie:?}"
    );
    assert_eq!(before, snapshot().await, "no session row written");
    let target = location(&saved);
    let shown = app.get(&target).await;
    assert!(
        shown
            .headers()
            .get_all("set-cookie")
            .iter()
            .any(|c| c.to_str().unwrap().starts_with("faena_aviso=;")),
        "the page that shows the message clears it"
    );
    let page = shown.text().await.unwrap();
    let message = texts(&page, ".flash-ok");
    assert!(
        message.iter().any(|m| m.starts_with("OT creada con ")),
        "{message:?}"
    );
    let again = app.get(&target).await.text().await.unwrap();
    assert!(texts(&again, ".flash").is_empty(), "shown once");

    // A message the server did not sign: its own signature on other text, and a bare one.
    let url: reqwest::Url = app.address.parse().unwrap();
    let value = set_cookie
        .iter()
        .find(|c| c.starts_with("faena_aviso="))
        .and_then(|c| c.split(';').next())
        .and_then(|c| c.strip_prefix("faena_aviso="))
        .unwrap()
        .to_owned();
    let (_, signature) = value.split_once('.').unwrap();
    use base64::Engine;
    let forged = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(
        r#"{"kind":"ok","text":"Su sesión expiró: escriba su contraseña en evil.example"}"#,
    );
    for cookie in [format!("{forged}.{signature}"), forged.clone()] {
        app.jar
            .add_cookie_str(&format!("faena_aviso={cookie}; Path=/"), &url);
        let page = app.get(&target).await.text().await.unwrap();
        assert!(!page.contains("evil.example"), "{cookie}");
        assert!(texts(&page, ".flash").is_empty());
    }
}

/// Reading a page writes nothing to the session: a session write bumps the `auth` version, after
/// which every instance reads every session again from the database. Each GET route of the table
/// (an order, its PTE and its catalogs at id 1) leaves the session rows and the version as they
/// were (the Programa tab removed an absent draft, which still marked the session changed).
#[tokio::test]
async fn reading_any_page_leaves_the_session_unwritten() {
    use crate::helpers::{initial_fields, sample_path};
    let app = spawn_app().await;
    app.logged_in("ana", Role::Admin).await;
    let pte = app.create_pte("PTE-LEER", "1").await;
    let created = app.post_order(None, &initial_fields(pte, "OT-LEER")).await;
    assert_eq!(created.status(), 303);
    // The first page after the create shows its message and the session holds its CSRF token.
    assert_eq!(app.get(&location(&created)).await.status(), 200);
    let snapshot = || sessions_and_auth_version(&app);
    let mut visited = 0;
    for route in faena::routes::table()
        .into_iter()
        .filter(|r| r.method == actix_web::http::Method::GET && !r.public)
    {
        let path = sample_path(route.path);
        let before = snapshot().await;
        let status = app.get(&path).await.status();
        assert!(status.as_u16() < 500, "GET {path}: {status}");
        assert_eq!(before, snapshot().await, "GET {path} wrote the session");
        visited += 1;
    }
    assert!(visited > 30, "{visited} pages read");
}

/// A session row as the store keeps it.
#[derive(diesel::QueryableByName, PartialEq, Debug)]
struct SessionRow {
    #[diesel(sql_type = diesel::sql_types::Text)]
    state: String,
    #[diesel(sql_type = diesel::sql_types::Timestamp)]
    expires_at: chrono::NaiveDateTime,
}

/// Every session row and the `auth` version (which a session write bumps).
async fn sessions_and_auth_version(app: &crate::helpers::TestApp) -> (Vec<SessionRow>, i64) {
    app.db(|c| {
        let sessions: Vec<SessionRow> =
            diesel::sql_query("SELECT state, expires_at FROM sessions ORDER BY id")
                .load(c)
                .unwrap();
        let auth = faena::db::versions::current(c, faena::db::versions::AUTH).unwrap();
        (sessions, auth)
    })
    .await
}
