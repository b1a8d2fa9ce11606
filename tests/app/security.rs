//! The gate: sessions on every route, CSRF on every state-changing request, security headers.

use faena::db::users;
use faena::domain::role::Role;
use faena::routes;

use crate::helpers::{location, sample_path, spawn_app, texts};

#[tokio::test]
async fn every_route_but_the_public_ones_needs_a_session() {
    let app = spawn_app().await;
    let table = routes::table();
    let public: Vec<_> = table.iter().filter(|r| r.public).map(|r| r.path).collect();
    assert_eq!(
        public,
        ["/login", "/login", "/healthz", "/static/{path:.*}"]
    );

    for route in &table {
        let path = sample_path(route.path);
        let response = app
            .client
            .request(
                reqwest::Method::from_bytes(route.method.as_str().as_bytes()).unwrap(),
                app.url(&path),
            )
            .send()
            .await
            .unwrap();
        let status = response.status();
        if route.public {
            assert!(
                !location(&response).starts_with("/login?next="),
                "{} {path} is public",
                route.method
            );
            continue;
        }
        if path.starts_with("/operaciones/") || path.starts_with("/api/") {
            assert_eq!(status, 401, "{} {path}", route.method);
        } else {
            assert_eq!(status, 303, "{} {path}", route.method);
            assert!(
                location(&response).starts_with("/login?next="),
                "{} {path} redirects to the login",
                route.method
            );
        }
    }
}

#[tokio::test]
async fn unknown_paths_need_a_session_too_and_then_get_a_spanish_404() {
    let app = spawn_app().await;
    let response = app.get("/no/existe").await;
    assert!(location(&response).starts_with("/login?next="));

    let ana = app.create_user("ana", Role::Consulta).await;
    app.login(&ana).await;
    let response = app.get("/no/existe").await;
    assert_eq!(response.status(), 404);
    let body = response.text().await.unwrap();
    assert_eq!(texts(&body, "h1"), ["Página no encontrada"]);
}

#[tokio::test]
async fn posts_without_or_with_a_wrong_csrf_token_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    let ana = app.create_user("ana", Role::Gestor).await;

    // The login form itself is protected.
    let response = app
        .post_form(
            "/login",
            &[("username", "ana"), ("password", &ana.password)],
        )
        .await;
    assert_eq!(response.status(), 403);
    assert!(
        location(&app.get("/ot").await).starts_with("/login"),
        "no session opened"
    );

    app.login(&ana).await;
    let new_password = "frase nueva suficientemente larga";
    let attempts: [&[(&str, &str)]; 2] = [
        &[
            ("actual", &ana.password),
            ("nueva", new_password),
            ("confirmacion", new_password),
        ],
        &[
            ("actual", &ana.password),
            ("nueva", new_password),
            ("confirmacion", new_password),
            ("csrf_token", "token-falso"),
        ],
    ];
    for form in attempts {
        let response = app.post_form("/cuenta/contrasena", form).await;
        assert_eq!(response.status(), 403);
        let body = response.text().await.unwrap();
        assert_eq!(texts(&body, "h1"), ["Solicitud rechazada"]);
    }
    // A token sent from another site's page is refused even when it is right.
    let token = app.csrf_from("/ot").await;
    let response = app
        .client
        .post(app.url("/cuenta/contrasena"))
        .header("origin", "https://evil.example")
        .form(&[
            ("actual", ana.password.as_str()),
            ("nueva", new_password),
            ("confirmacion", new_password),
            ("csrf_token", &token),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    let response = app
        .client
        .post(app.url("/logout"))
        .header("sec-fetch-site", "cross-site")
        .form(&[("csrf_token", &token)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    assert_eq!(app.get("/ot").await.status(), 200, "still logged in");

    let hash = app
        .db(|c| {
            users::find_by_username(c, "ana")
                .unwrap()
                .unwrap()
                .password_hash
        })
        .await;
    assert!(
        faena::services::password::verify(&ana.password, &hash),
        "password unchanged"
    );

    // The token in the X-CSRF-Token header works for scripts.
    let response = app
        .client
        .post(app.url("/logout"))
        .header("x-csrf-token", &token)
        .header("origin", &app.address)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    assert!(location(&app.get("/ot").await).starts_with("/login"));
}

#[tokio::test]
async fn security_headers_are_on_pages_errors_redirects_and_assets() {
    let app = spawn_app().await;
    for path in [
        "/login",
        "/",
        "/static/css/app.css",
        "/healthz",
        "/static/nada.css",
    ] {
        let response = app.get(path).await;
        let h = response.headers();
        let csp = h
            .get("content-security-policy")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_else(|| panic!("CSP on {path}"));
        for directive in [
            "default-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ] {
            assert!(csp.contains(directive), "{directive} on {path}");
        }
        assert!(!csp.contains("unsafe-inline"));
        assert_eq!(
            h.get("x-content-type-options").unwrap(),
            "nosniff",
            "{path}"
        );
        assert_eq!(h.get("referrer-policy").unwrap(), "same-origin", "{path}");
    }
}

/// Logs `user` in with a client that keeps no cookies (so a `Secure` cookie is sent over plain
/// HTTP too) and answers the login response.
async fn raw_login(
    app: &crate::helpers::TestApp,
    user: &crate::helpers::TestUser,
) -> reqwest::Response {
    let client = crate::helpers::client_with(Default::default());
    let page = client.get(app.url("/login")).send().await.unwrap();
    let nonce = page
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("faena_csrf="))
        .and_then(|c| c.split(';').next())
        .expect("the login page's nonce cookie")
        .to_owned();
    let token = crate::helpers::csrf_in(&page.text().await.unwrap()).unwrap();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(app.url("/login"))
        .header("cookie", nonce)
        .form(&[
            ("username", user.username.as_str()),
            ("password", user.password.as_str()),
            ("csrf_token", token.as_str()),
        ])
        .send()
        .await
        .unwrap()
}

fn set_cookie(response: &reqwest::Response, prefix: &str) -> String {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with(prefix))
        .unwrap_or_else(|| panic!("no {prefix} cookie"))
        .to_owned()
}

#[tokio::test]
async fn the_session_cookie_is_http_only_and_same_site_lax() {
    let app = spawn_app().await;
    let ana = app.create_user("ana", Role::Gestor).await;
    let response = raw_login(&app, &ana).await;
    assert_eq!(response.status(), 303);
    let cookie = set_cookie(&response, "faena=");
    assert!(cookie.contains("HttpOnly"));
    assert!(cookie.contains("SameSite=Lax"));
    assert!(cookie.contains("Path=/"));
    let nonce = set_cookie(&app.get("/login").await, "faena_csrf=");
    assert!(nonce.contains("HttpOnly") && nonce.contains("SameSite=Strict"));
}

#[tokio::test]
async fn behind_tls_the_cookie_is_secure_with_the_host_prefix() {
    let app = crate::helpers::spawn_app_with(|c| c.secure_cookies = true).await;
    let ana = app.create_user("ana", Role::Gestor).await;
    let response = raw_login(&app, &ana).await;
    assert_eq!(response.status(), 303);
    let cookie = set_cookie(&response, "__Host-faena=");
    assert!(cookie.contains("Secure"));
    assert!(!cookie.contains("Domain="));
    assert!(set_cookie(&app.get("/login").await, "faena_csrf=").contains("Secure"));
}

#[tokio::test]
async fn output_is_escaped() {
    let app = spawn_app().await;
    let response = app.login_raw("<script>alert(1)</script>", "x").await;
    let body = response.text().await.unwrap();
    assert!(!body.contains("<script>alert(1)</script>"));
    assert!(body.contains("&#60;script&#62;") || body.contains("&lt;script&gt;"));
}

#[tokio::test]
async fn a_known_path_with_the_wrong_method_gets_a_spanish_405() {
    let app = spawn_app().await;
    let ana = app.create_user("ana", Role::Consulta).await;
    app.login(&ana).await;
    let response = app.get("/logout").await;
    assert_eq!(response.status(), 405);
    let body = response.text().await.unwrap();
    assert_eq!(texts(&body, "h1"), ["Solicitud no admitida"]);
}

#[tokio::test]
async fn control_characters_in_searches_and_logins_get_an_answer_not_a_500() {
    let app = spawn_app().await;
    let response = app.login_raw("ana\u{0}admin", "x\u{0}y").await;
    assert_eq!(response.status(), 401);
    let ana = app.create_user("ana", Role::Consulta).await;
    app.login(&ana).await;
    for path in [
        "/ot?q=%00",
        "/ot?q=a%00b&estatus=%00",
        "/pte?q=%00",
        "/ot/%00",
        "/ot?page=99999999999999",
    ] {
        let status = app.get(path).await.status();
        assert!(status == 200 || status == 404, "{path}: {status}");
    }
}

/// Issue 13 §5: a cell a user typed never reaches Excel as a live formula, in any CSV export.
#[tokio::test]
async fn csv_exports_neutralise_cells_that_would_start_a_formula() {
    let app = spawn_app().await;
    app.logged_in("gus", Role::Gestor).await;
    let prefixes = ["=", "+", "-", "@", "\t", "\r"];
    for (n, p) in prefixes.iter().enumerate() {
        let representative = format!("{p}HYPERLINK(\"http://x\")");
        app.create_initial(
            &format!("OT-CSV-{n}"),
            &[("responsable_cliente", representative.as_str())],
        )
        .await;
    }
    let csv = app.get("/ot/exportar.csv").await.text().await.unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let headers = reader.headers().unwrap().clone();
    let column = headers
        .iter()
        .position(|h| h == "Responsable del cliente")
        .unwrap();
    let cells: Vec<String> = reader
        .records()
        .map(|r| r.unwrap()[column].to_owned())
        .collect();
    assert_eq!(cells.len(), prefixes.len());
    for cell in &cells {
        assert!(
            !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
            "{cell:?} would run as a formula"
        );
    }
    // The four that the form keeps (it trims tabs and line ends) are neutralised.
    assert_eq!(
        cells.iter().filter(|c| c.starts_with('\'')).count(),
        4,
        "{cells:?}"
    );
    // Amounts stay numbers.
    assert!(!csv.contains("'1234567.89"));
}

/// Issue 13 §6: nothing authenticated is cached (the JSON API included); static files are;
/// HSTS behind TLS.
#[tokio::test]
async fn responses_are_not_cached_and_hsts_comes_with_tls() {
    let app = spawn_app().await;
    app.logged_in("gus", Role::Gestor).await;
    let cache = |r: &reqwest::Response| {
        r.headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    };
    for path in [
        "/operaciones/ot/obtener_ot_iniciales/",
        "/ot",
        "/api/openapi.json",
        "/healthz",
    ] {
        let r = app.get(path).await;
        assert_eq!(cache(&r), "no-store", "{path}");
        assert!(r.headers().get("strict-transport-security").is_none());
    }
    let r = app.get("/static/css/app.css").await;
    assert!(
        cache(&r).contains("max-age"),
        "static assets keep their cache"
    );
    let tls = crate::helpers::spawn_app_with(|c| c.secure_cookies = true).await;
    let r = tls.get("/login").await;
    assert_eq!(
        r.headers()
            .get("strict-transport-security")
            .and_then(|v| v.to_str().ok()),
        Some("max-age=31536000")
    );
}

/// Issue 13 §3: bodies that arrive a byte at a time are cut at the deadline (here 2 s) with a 408,
/// and the server keeps answering meanwhile.
#[tokio::test]
async fn slow_request_bodies_are_cut_at_the_deadline() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = crate::helpers::spawn_app_with(|c| {
        c.body_timeout = std::time::Duration::from_secs(2);
    })
    .await;
    // A signed-in session, so the server reads the body to find the form's token.
    app.logged_in("gus", Role::Gestor).await;
    let cookie = app.session_cookie().unwrap();
    let host = app.address.trim_start_matches("http://").to_owned();
    let mut slow = Vec::new();
    for _ in 0..40 {
        let mut s = tokio::net::TcpStream::connect(&host).await.unwrap();
        s.write_all(
            format!(
                "POST /ot HTTP/1.1\r\nHost: {host}\r\nCookie: {cookie}\r\nContent-Type: \
                 application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nu"
            )
            .as_bytes(),
        )
        .await
        .unwrap();
        slow.push(s);
    }
    let started = std::time::Instant::now();
    // The slow clients keep trickling; the health check still answers.
    for _ in 0..4 {
        for s in &mut slow {
            let _ = s.write_all(b"s").await;
        }
        let health = app.get("/healthz").await;
        assert_eq!(health.status(), 200);
        tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    }
    let mut cut = 0;
    for s in &mut slow {
        let mut buf = vec![0u8; 512];
        let read = tokio::time::timeout(std::time::Duration::from_secs(5), s.read(&mut buf)).await;
        if let Ok(Ok(n)) = read {
            let head = String::from_utf8_lossy(&buf[..n]);
            if n == 0 || head.starts_with("HTTP/1.1 408") {
                cut += 1;
            }
        }
    }
    assert_eq!(cut, 40, "every slow body was answered 408 or closed");
    assert!(started.elapsed() < std::time::Duration::from_secs(12));
}

/// Issue 13 §3: one address may hold at most 64 requests at once; beyond that it gets 503 with
/// Retry-After at once, and other addresses are served.
#[tokio::test]
async fn one_address_cannot_hold_every_connection() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = crate::helpers::spawn_app_with(|c| {
        c.trust_proxy = true;
        c.body_timeout = std::time::Duration::from_secs(3);
    })
    .await;
    app.logged_in("gus", Role::Gestor).await;
    let cookie = app.session_cookie().unwrap();
    let host = app.address.trim_start_matches("http://").to_owned();
    let mut slow = Vec::new();
    for _ in 0..70 {
        let mut s = tokio::net::TcpStream::connect(&host).await.unwrap();
        s.write_all(
            format!(
                "POST /ot HTTP/1.1\r\nHost: {host}\r\nCookie: {cookie}\r\nX-Forwarded-For: \
                 192.0.2.9\r\nContent-Type: application/x-www-form-urlencoded\r\n\
                 Content-Length: 1000\r\n\r\nu"
            )
            .as_bytes(),
        )
        .await
        .unwrap();
        slow.push(s);
    }
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let other = app
        .client
        .get(app.url("/healthz"))
        .header("x-forwarded-for", "192.0.2.10")
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 200, "another address is served");
    let mut turned_away = 0;
    for s in &mut slow {
        let mut buf = vec![0u8; 512];
        if let Ok(Ok(n)) =
            tokio::time::timeout(std::time::Duration::from_millis(300), s.read(&mut buf)).await
        {
            let head = String::from_utf8_lossy(&buf[..n]);
            if head.starts_with("HTTP/1.1 503") && head.to_lowercase().contains("retry-after") {
                turned_away += 1;
            }
        }
    }
    assert_eq!(turned_away, 6, "70 requests, 64 allowed in flight");
}
