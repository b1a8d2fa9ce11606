//! Builds the application: database, cookie key, middleware order, routes.

use std::net::TcpListener;

use actix_session::SessionMiddleware;
use actix_session::config::{BrowserSession, CookieContentSecurity, TtlExtensionPolicy};
use actix_web::cookie::{Key, SameSite, time::Duration as CookieDuration};
use actix_web::dev::Server;
use actix_web::error::InternalError;
use actix_web::http::StatusCode;
use actix_web::middleware::{DefaultHeaders, from_fn};
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use chrono::Utc;
use rand::RngCore;
use tracing_actix_web::TracingLogger;

use crate::config::Config;
use crate::db::{self, Pool, settings};
use crate::domain::progress::Clock;
use crate::routes;
use crate::web::AppState;
use crate::web::auth::gate;
use crate::web::auth::session_store::DbSessionStore;
use crate::web::response::refusal;

/// Opens the database named by the configuration and applies pending migrations.
pub fn open_database(config: &Config) -> anyhow::Result<Pool> {
    let pool = db::build_pool(&config.database_url, config.pool_size)?;
    let mut conn = pool.get()?;
    db::run_migrations(&mut conn)?;
    crate::services::listing::fold_search_texts(&mut conn, Utc::now().naive_utc())?;
    // Orders written by hand since the last save (the sqlite3 shell) reach the search index now:
    // every write transaction indexes what was noted before it commits (`db::search_index`).
    db::write_transaction(&mut conn, |_| Ok::<(), diesel::result::Error>(()))?;
    Ok(pool)
}

/// The cookie key (64 random bytes), made on first start and kept in the database so that
/// restarts and other instances accept the same cookies.
fn cookie_key(pool: &Pool) -> anyhow::Result<Key> {
    let mut conn = pool.get()?;
    let stored =
        settings::get_or_insert_with(&mut conn, "cookie_key", Utc::now().naive_utc(), || {
            let mut bytes = [0u8; 64];
            rand::rng().fill_bytes(&mut bytes);
            hex::encode(bytes)
        })?;
    let bytes = hex::decode(stored.trim())?;
    Key::try_from(bytes.as_slice()).map_err(|e| anyhow::anyhow!("stored cookie key: {e}"))
}

/// A bound, not yet running server.
pub struct Application {
    port: u16,
    server: Server,
    pool: Pool,
}

impl Application {
    /// Binds `config.bind` (port 0 picks a free port) and wires the app on `pool`.
    pub fn build(config: Config, pool: Pool) -> anyhow::Result<Application> {
        let key = cookie_key(&pool)?;
        let purge_pool = pool.clone();
        let listener = TcpListener::bind(&config.bind)?;
        let port = listener.local_addr()?.port();
        let workers = config.workers;
        let clock = config.fixed_today.map_or_else(Clock::system, Clock::fixed);
        let state = web::Data::new(AppState {
            auth: std::sync::Arc::new(crate::web::auth::session_cache::AuthCache::new(
                pool.clone(),
            )),
            pool,
            config,
            clock,
            caches: Default::default(),
            login: Default::default(),
            in_flight: Default::default(),
            csrf_key: {
                use sha2::Digest;
                let mut h = sha2::Sha256::new();
                h.update(b"faena-login-csrf-key:");
                h.update(key.signing());
                h.finalize().to_vec()
            },
        });
        let server = HttpServer::new(move || {
            App::new()
                .wrap(from_fn(crate::web::page::flash_cookie))
                .wrap(from_fn(gate::gate))
                .wrap(session_middleware(&state, key.clone()))
                .wrap(from_fn(gate::stamp_arrival))
                .wrap(security_headers(state.config.secure_cookies))
                .wrap(TracingLogger::default())
                .app_data(state.clone())
                .app_data(
                    web::FormConfig::default()
                        .limit(crate::web::auth::csrf::MAX_FORM_BYTES)
                        .error_handler(|err, req| {
                            tracing::info!(error = %err, "unreadable form");
                            InternalError::from_response(err, bad_form(req)).into()
                        }),
                )
                .app_data(web::QueryConfig::default().error_handler(|err, req| {
                    tracing::info!(error = %err, "unreadable query string");
                    InternalError::from_response(err, bad_form(req)).into()
                }))
                .app_data(web::PathConfig::default().error_handler(|err, req| {
                    InternalError::from_response(err, not_found_response(req)).into()
                }))
                .configure(routes::configure)
                .default_service(web::to(not_found))
        })
        .listen(listener)?;
        let server = match workers {
            Some(n) => server.workers(n),
            None => server,
        };
        Ok(Application {
            port,
            server: server.run(),
            pool: purge_pool,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        housekeeping(self.pool);
        self.server.await
    }
}

/// Housekeeping on a plain thread (it only sleeps and runs one statement at a time): folds the
/// list totals' appended changes every two seconds (PostgreSQL: the fewer there are, the cheaper
/// each count; their queue is vacuumed now and then: `ListCountFolder`), and deletes expired
/// sessions every ten minutes (logins purge them too), so abandoned sessions do not pile up
/// between logins.
fn housekeeping(pool: Pool) {
    const FOLD_EVERY: std::time::Duration = std::time::Duration::from_secs(2);
    const PURGE_EVERY: u32 = 300;
    let spawned = std::thread::Builder::new()
        .name("faena-housekeeping".into())
        .spawn(move || {
            let mut folder = crate::db::work_orders::ListCountFolder::default();
            for tick in 1u32.. {
                std::thread::sleep(FOLD_EVERY);
                fold_list_counts(&pool, &mut folder);
                if tick % PURGE_EVERY == 0 {
                    purge_expired_sessions(&pool);
                }
            }
        });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "cannot start the housekeeping thread");
    }
}

fn fold_list_counts(pool: &Pool, folder: &mut crate::db::work_orders::ListCountFolder) {
    let folded = pool
        .get()
        .map_err(|e| e.to_string())
        .and_then(|mut conn| folder.fold(&mut conn).map_err(|e| e.to_string()));
    if let Err(e) = folded {
        tracing::warn!(error = %e, "cannot fold the list totals");
    }
}

fn purge_expired_sessions(pool: &Pool) {
    let purged = pool.get().map_err(|e| e.to_string()).and_then(|mut conn| {
        crate::db::write_transaction(&mut conn, |c| {
            crate::db::sessions::delete_expired(c, Utc::now().naive_utc())
        })
        .map_err(|e| e.to_string())
    });
    match purged {
        Ok(n) if n > 0 => tracing::info!(sessions = n, "expired sessions purged"),
        Err(e) => tracing::warn!(error = %e, "cannot purge expired sessions"),
        _ => {}
    }
}

fn session_middleware(state: &web::Data<AppState>, key: Key) -> SessionMiddleware<DbSessionStore> {
    let config = &state.config;
    let idle =
        CookieDuration::seconds(i64::try_from(config.session_idle.as_secs()).unwrap_or(7200));
    SessionMiddleware::builder(
        DbSessionStore::new(
            state.pool.clone(),
            config.session_absolute,
            state.auth.clone(),
        ),
        key,
    )
    .cookie_name(config.cookie_name().to_owned())
    .cookie_secure(config.secure_cookies)
    .cookie_http_only(true)
    .cookie_same_site(SameSite::Lax)
    .cookie_path("/".to_owned())
    .cookie_content_security(CookieContentSecurity::Private)
    .session_lifecycle(
        BrowserSession::default()
            .state_ttl(idle)
            .state_ttl_extension_policy(TtlExtensionPolicy::OnEveryRequest),
    )
    .build()
}

/// Headers on every response, errors included. `Cache-Control: no-store` unless the response
/// set its own (static assets do): pages, downloads and the JSON API are never kept by a browser
/// or a proxy. Behind TLS (`secure_cookies`), HSTS for a year.
fn security_headers(tls: bool) -> DefaultHeaders {
    let headers = DefaultHeaders::new().add(("Cache-Control", "no-store"));
    let headers = if tls {
        headers.add(("Strict-Transport-Security", "max-age=31536000"))
    } else {
        headers
    };
    headers
        .add((
            "Content-Security-Policy",
            "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; \
             form-action 'self'",
        ))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("Referrer-Policy", "same-origin"))
        .add(("X-Frame-Options", "DENY"))
}

fn bad_form(req: &HttpRequest) -> HttpResponse {
    refusal(
        req.path(),
        StatusCode::BAD_REQUEST,
        "Solicitud inválida",
        "Los datos enviados no tienen el formato esperado. Revise el formulario e intente de nuevo.",
    )
}

fn not_found_response(req: &HttpRequest) -> HttpResponse {
    refusal(
        req.path(),
        StatusCode::NOT_FOUND,
        "Página no encontrada",
        "La página o el registro que busca no existe.",
    )
}

async fn not_found(req: HttpRequest) -> HttpResponse {
    not_found_response(&req)
}
