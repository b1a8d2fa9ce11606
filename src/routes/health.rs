//! `GET /healthz`: 200 `ok` when the database answers, 503 otherwise. No session needed.

use std::time::Duration;

use actix_web::{HttpResponse, web};

use crate::db::Backend;
use crate::web::{AppState, run_blocking};

#[tracing::instrument(name = "handler", skip_all, fields(handler = "health::healthz"))]
pub async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let pool = state.pool.clone();
    let backend = Backend::from_url(&state.config.database_url);
    let healthy = run_blocking(move || {
        // A pooled SQLite connection keeps working on a file that was deleted or unmounted:
        // the file itself must still be there.
        if let Backend::Sqlite(path) = &backend
            && !path.exists()
        {
            return false;
        }
        match pool.get_timeout(Duration::from_secs(2)) {
            Ok(mut conn) => diesel::r2d2::R2D2Connection::ping(&mut *conn).is_ok(),
            Err(_) => false,
        }
    })
    .await
    .unwrap_or(false);
    if healthy {
        HttpResponse::Ok()
            .content_type("text/plain; charset=utf-8")
            .body("ok")
    } else {
        HttpResponse::ServiceUnavailable()
            .content_type("text/plain; charset=utf-8")
            .body("base de datos no disponible")
    }
}
