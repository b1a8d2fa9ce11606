//! Test harness: a fresh database per test (SQLite temp file, or a new PostgreSQL database when
//! `DATABASE_URL` names a PostgreSQL server), the real server on a free port, and an HTTP client
//! with a cookie jar that does not follow redirects.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use diesel::prelude::*;
use diesel::{Connection, PgConnection};
use faena::config::Config;
use faena::db::{DbConn, Pool};
use faena::domain::role::Role;
use faena::services::Actor;
use faena::services::accounts::{self, NewAccount};
use faena::startup::{Application, open_database};
use rand::distr::{Alphanumeric, SampleString};
use reqwest::cookie::{CookieStore, Jar};
use reqwest::redirect::Policy;
use scraper::{Html, Selector};

/// The PostgreSQL server used when `DATABASE_URL` does not name one (the schema-parity test
/// always needs it).
pub const LOCAL_PG: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// True when this run targets PostgreSQL.
pub fn on_postgres() -> bool {
    std::env::var("DATABASE_URL").is_ok_and(|u| u.starts_with("postgres"))
}

/// A database that lives as long as the test.
pub enum TestDb {
    Sqlite {
        dir: tempfile::TempDir,
        url: String,
    },
    Postgres {
        admin_url: String,
        name: String,
        url: String,
    },
}

impl TestDb {
    /// A fresh database on the backend this run targets.
    pub fn fresh() -> TestDb {
        match std::env::var("DATABASE_URL") {
            Ok(url) if url.starts_with("postgres") => TestDb::fresh_postgres(&url),
            _ => TestDb::fresh_sqlite(),
        }
    }

    pub fn fresh_sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("faena.db").display());
        TestDb::Sqlite { dir, url }
    }

    /// A new, empty database on the server `admin_url` points at.
    pub fn fresh_postgres(admin_url: &str) -> TestDb {
        let name = format!(
            "faena_t_{}",
            Alphanumeric
                .sample_string(&mut rand::rng(), 12)
                .to_lowercase()
        );
        let mut conn = PgConnection::establish(admin_url).unwrap_or_else(|e| {
            panic!("PostgreSQL is needed at {admin_url} (start it as README.md says): {e}")
        });
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .expect("create test database");
        let (base, _) = admin_url
            .rsplit_once('/')
            .expect("database URL with a path");
        let url = format!("{base}/{name}");
        TestDb::Postgres {
            admin_url: admin_url.to_owned(),
            name,
            url,
        }
    }

    pub fn url(&self) -> &str {
        match self {
            TestDb::Sqlite { url, .. } | TestDb::Postgres { url, .. } => url,
        }
    }

    /// Removes the database under the running app (for the health check).
    pub fn destroy(&self) {
        match self {
            TestDb::Sqlite { dir, .. } => {
                for entry in std::fs::read_dir(dir.path()).expect("read temp dir") {
                    std::fs::remove_file(entry.expect("entry").path()).expect("remove db file");
                }
            }
            TestDb::Postgres {
                admin_url, name, ..
            } => drop_pg(admin_url, name),
        }
    }
}

fn drop_pg(admin_url: &str, name: &str) {
    if let Ok(mut conn) = PgConnection::establish(admin_url) {
        let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&mut conn);
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let TestDb::Postgres {
            admin_url, name, ..
        } = self
        {
            drop_pg(admin_url, name);
        }
    }
}

/// A running app with its own database and a client with a cookie jar.
pub struct TestApp {
    pub address: String,
    pub pool: Pool,
    pub db: TestDb,
    pub jar: Arc<Jar>,
    pub client: reqwest::Client,
}

/// A user created for a test.
#[derive(Debug, Clone)]
pub struct TestUser {
    pub username: String,
    pub password: String,
    pub role: Role,
}

pub fn test_config(url: &str) -> Config {
    Config {
        database_url: url.to_owned(),
        bind: "127.0.0.1:0".to_owned(),
        secure_cookies: false,
        trust_proxy: false,
        body_timeout: std::time::Duration::from_secs(30),
        session_idle: Duration::from_secs(3600),
        session_absolute: Duration::from_secs(12 * 3600),
        workers: Some(1),
        pool_size: 4,
        fixed_today: None,
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Starts the app after `tweak` adjusts its configuration.
pub async fn spawn_app_with(tweak: impl FnOnce(&mut Config)) -> TestApp {
    let db = TestDb::fresh();
    let mut config = test_config(db.url());
    tweak(&mut config);
    let pool = {
        let config = config.clone();
        tokio::task::spawn_blocking(move || open_database(&config))
            .await
            .expect("join")
            .expect("open database")
    };
    let app = {
        let (config, pool) = (config.clone(), pool.clone());
        tokio::task::spawn_blocking(move || Application::build(config, pool))
            .await
            .expect("join")
            .expect("build app")
    };
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    let jar = Arc::new(Jar::default());
    TestApp {
        address,
        pool,
        db,
        client: client_with(jar.clone()),
        jar,
    }
}

/// A client with its own cookie jar, not following redirects.
pub fn client_with(jar: Arc<Jar>) -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_provider(jar)
        .redirect(Policy::none())
        .build()
        .expect("client")
}

impl TestApp {
    /// Another instance of the app over the same database, with its own caches: its address.
    pub async fn another_instance(&self) -> String {
        let config = test_config(self.db.url());
        let app = tokio::task::spawn_blocking(move || {
            let pool = open_database(&config).expect("open database");
            Application::build(config, pool).expect("build app")
        })
        .await
        .expect("join");
        let address = format!("http://127.0.0.1:{}", app.port());
        tokio::spawn(app.run_until_stopped());
        address
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// Runs a closure on a pooled connection, off the async runtime.
    pub async fn db<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut DbConn) -> T + Send + 'static,
    ) -> T {
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = pool.get().expect("pooled connection");
            f(&mut conn)
        })
        .await
        .expect("join")
    }

    /// Creates an active user with a known password that need not be changed.
    pub async fn create_user(&self, username: &str, role: Role) -> TestUser {
        self.create_user_with(username, role, false).await
    }

    pub async fn create_user_with(
        &self,
        username: &str,
        role: Role,
        must_change: bool,
    ) -> TestUser {
        let user = TestUser {
            username: username.to_owned(),
            password: format!("{username}-clave-segura-2026"),
            role,
        };
        let u = user.clone();
        self.db(move |conn| {
            accounts::create_user(
                conn,
                &NewAccount {
                    username: &u.username,
                    display_name: Some(&format!("Usuario {}", u.username)),
                    role: u.role,
                    password: &u.password,
                    must_change_password: must_change,
                },
                &Actor::console(),
                Utc::now().naive_utc(),
            )
            .expect("create user")
        })
        .await;
        user
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .form(form)
            .send()
            .await
            .expect("POST")
    }

    /// The CSRF token from a page's first form.
    pub async fn csrf_from(&self, path: &str) -> String {
        let body = self.get(path).await.text().await.expect("body");
        csrf_in(&body).unwrap_or_else(|| panic!("no csrf_token on {path}"))
    }

    /// Logs in through the form; returns the response to the POST.
    pub async fn login_raw(&self, username: &str, password: &str) -> reqwest::Response {
        let token = self.csrf_from("/login").await;
        self.post_form(
            "/login",
            &[
                ("username", username),
                ("password", password),
                ("csrf_token", &token),
            ],
        )
        .await
    }

    /// Logs in and checks it worked.
    pub async fn login(&self, user: &TestUser) {
        let response = self.login_raw(&user.username, &user.password).await;
        assert_eq!(response.status(), 303, "login of {} failed", user.username);
    }

    /// The value of the session cookie, as the browser holds it.
    pub fn session_cookie(&self) -> Option<String> {
        let url = self.address.parse().expect("url");
        self.jar
            .cookies(&url)
            .and_then(|v| v.to_str().ok().map(str::to_owned))
    }
}

pub fn csrf_in(body: &str) -> Option<String> {
    let doc = Html::parse_document(body);
    let sel = Selector::parse(r#"input[name="csrf_token"]"#).expect("selector");
    doc.select(&sel)
        .next()
        .and_then(|e| e.value().attr("value"))
        .map(str::to_owned)
}

/// Texts of the elements matching `selector`.
pub fn texts(body: &str, selector: &str) -> Vec<String> {
    let doc = Html::parse_document(body);
    let sel = Selector::parse(selector).expect("selector");
    doc.select(&sel)
        .map(|e| e.text().collect::<String>().trim().to_owned())
        .collect()
}

pub fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned()
}

/// The id at the end of a `Location: /ot/{id}` or `/pte/{id}` header.
pub fn id_from_location(response: &reqwest::Response) -> i32 {
    let loc = location(response);
    loc.rsplit('/')
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no id in Location «{loc}»"))
}

/// Names of the inputs and selects marked `aria-invalid="true"`.
pub fn invalid_fields(body: &str) -> Vec<String> {
    let doc = Html::parse_document(body);
    let sel = Selector::parse(r#"[aria-invalid="true"]"#).expect("selector");
    doc.select(&sel)
        // The field's id (`f-` + the field), else its name: a picker posts `folio_pte` for the
        // field `id_pte`.
        .filter_map(|e| {
            let v = e.value();
            v.attr("id")
                .and_then(|id| id.strip_prefix("f-"))
                .or(v.attr("name"))
                .map(str::to_owned)
        })
        .collect()
}

impl TestApp {
    /// Creates a user of `role` and logs in as them.
    pub async fn logged_in(&self, username: &str, role: Role) -> TestUser {
        let user = self.create_user(username, role).await;
        self.login(&user).await;
        user
    }

    /// Creates a PTE through the form; returns its id.
    pub async fn create_pte(&self, folio: &str, client: &str) -> i32 {
        let token = self.csrf_from("/pte/nueva").await;
        let response = self
            .post_form(
                "/pte",
                &[
                    ("oficio_pte", folio),
                    ("descripcion_trabajo", "Rehabilitación de ductos de proceso"),
                    ("id_cliente", client),
                    ("responsable_proyecto", "1"),
                    ("csrf_token", &token),
                ],
            )
            .await;
        assert_eq!(response.status(), 303, "PTE {folio}");
        id_from_location(&response)
    }

    /// Posts the work-order form (create when `id` is None) with the given fields, adding the
    /// CSRF token.
    pub async fn post_order(
        &self,
        id: Option<i32>,
        fields: &[(&str, String)],
    ) -> reqwest::Response {
        let token = self.csrf_from("/ot").await;
        let mut form: Vec<(&str, String)> = fields.to_vec();
        form.push(("csrf_token", token));
        let path = id.map_or("/ot".to_owned(), |id| format!("/ot/{id}"));
        self.client
            .post(self.url(&path))
            .form(&form)
            .send()
            .await
            .expect("POST order")
    }

    /// Creates an initial OT from a new PTE; returns (order id, pte id).
    pub async fn create_initial(&self, folio: &str, extra: &[(&str, &str)]) -> (i32, i32) {
        let pte = self.create_pte(&format!("PTE-{folio}"), "1").await;
        let mut fields = initial_fields(pte, folio);
        for (k, v) in extra {
            set(&mut fields, k, v);
        }
        let response = self.post_order(None, &fields).await;
        let status = response.status();
        if status != 303 {
            let body = response.text().await.unwrap_or_default();
            panic!(
                "create {folio}: {status} {:?} {:?}",
                invalid_fields(&body),
                texts(&body, ".error")
            );
        }
        (id_from_location(&response), pte)
    }
}

/// A valid full form for an initial OT.
pub fn initial_fields(pte: i32, folio: &str) -> Vec<(&'static str, String)> {
    vec![
        ("id_tipo", "4".into()),
        ("id_pte", pte.to_string()),
        ("orden_trabajo", folio.into()),
        ("oficio_ot", format!("PEP-{folio}-2025")),
        (
            "descripcion_trabajo",
            "Mantenimiento a líneas de descarga".into(),
        ),
        ("responsable_proyecto", "1".into()),
        ("responsable_cliente", "Ing. Roberto Pérez".into()),
        ("id_cliente", "1".into()),
        ("monto_mxn", "$1,234,567.89".into()),
        ("monto_usd", "1500".into()),
        ("fecha_inicio_programado", "2025-03-01".into()),
        ("fecha_termino_programado", "31/03/2025".into()),
    ]
}

/// Sets (or adds) a field of a form.
pub fn set(fields: &mut Vec<(&'static str, String)>, name: &str, value: &str) {
    match fields.iter_mut().find(|(k, _)| *k == name) {
        Some((_, v)) => *v = value.to_owned(),
        None => {
            let name: &'static str = Box::leak(name.to_owned().into_boxed_str());
            fields.push((name, value.to_owned()));
        }
    }
}

/// A second browser: a new user of `role` logged in with its own cookie jar.
pub async fn spawn_second_login(app: &TestApp, username: &str, role: Role) -> reqwest::Client {
    let user = app.create_user(username, role).await;
    let client = client_with(Default::default());
    let body = client
        .get(app.url("/login"))
        .send()
        .await
        .expect("login page")
        .text()
        .await
        .expect("body");
    let token = csrf_in(&body).expect("token");
    let response = client
        .post(app.url("/login"))
        .form(&[
            ("username", user.username.as_str()),
            ("password", &user.password),
            ("csrf_token", &token),
        ])
        .send()
        .await
        .expect("login");
    assert_eq!(response.status(), 303);
    client
}

/// An attribute of the first element matching `selector` (empty when absent).
pub fn attr(body: &str, selector: &str, name: &str) -> String {
    let doc = scraper::Html::parse_document(body);
    let Ok(sel) = scraper::Selector::parse(selector) else {
        return String::new();
    };
    doc.select(&sel)
        .next()
        .and_then(|e| e.value().attr(name))
        .unwrap_or_default()
        .to_owned()
}

/// A concrete path for a route pattern.
pub fn sample_path(pattern: &str) -> String {
    let mut out = String::new();
    let mut rest = pattern;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = rest[start..]
            .find('}')
            .map_or(rest.len(), |e| start + e + 1);
        let name = &rest[start + 1..end - 1];
        out.push_str(if name.starts_with("path") {
            "css/app.css"
        } else {
            "1"
        });
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// The activity entries of one record, newest first (without the users' display names).
pub fn history(c: &mut DbConn, table: &str, id: i32) -> Vec<faena::db::activity::LoggedEntry> {
    faena::db::activity::for_record(c, table, id)
        .unwrap()
        .into_iter()
        .map(|(entry, _)| entry)
        .collect()
}
