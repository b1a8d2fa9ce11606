//! The HTTP edge the routes share, and no business rules: the shared state, the request gate
//! and current user (`auth`), the page context and rendering, the one mapping from outcomes to
//! responses (`response`), `<select>` options, uploads, embedded static assets, and the one way
//! to reach the database from a handler (`blocking`).

pub mod assets;
pub mod auth;
pub mod conflicts;
pub mod download;
pub mod options;
pub mod page;
pub mod response;
pub mod state;
pub mod upload;

pub use state::AppState;

use actix_web::web;

use crate::db::DbConn;
use crate::error::AppError;
use crate::services::Actor;
use auth::CurrentUser;

/// Runs `f` on a pooled connection on the blocking thread pool (never on an async worker),
/// inside the caller's tracing span, so that its log lines carry the request id.
pub async fn blocking<R, F>(state: &AppState, f: F) -> Result<R, AppError>
where
    R: Send + 'static,
    F: FnOnce(&mut DbConn) -> R + Send + 'static,
{
    let pool = state.pool.clone();
    run_blocking(move || -> Result<R, AppError> {
        let mut conn = pool.get()?;
        Ok(f(&mut conn))
    })
    .await?
}

/// Runs `f` on the blocking thread pool inside the current tracing span (password hashing,
/// workbook building: anything slow that is not a database call).
pub async fn run_blocking<R, F>(f: F) -> Result<R, AppError>
where
    R: Send + 'static,
    F: FnOnce() -> R + Send + 'static,
{
    let span = tracing::Span::current();
    Ok(web::block(move || span.in_scope(f)).await?)
}

impl From<&CurrentUser> for Actor {
    fn from(user: &CurrentUser) -> Actor {
        Actor {
            user_id: Some(user.id),
            username: user.username.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use tracing::Instrument;
    use tracing_subscriber::util::SubscriberInitExt;

    use super::*;

    /// The name of the span current where the closure runs.
    fn current_span() -> Option<&'static str> {
        tracing::Span::current().metadata().map(|m| m.name())
    }

    #[test]
    fn blocking_work_runs_inside_the_requests_span_so_its_logs_carry_the_request_id() {
        // Spans are tracked by the global subscriber, on every thread.
        let _ = tracing_subscriber::registry().try_init();
        let (carried, plain) = actix_web::rt::System::new().block_on(async {
            let carried = run_blocking(current_span)
                .instrument(tracing::info_span!("HTTP request", request_id = "r-1"))
                .await;
            // What `web::block` alone does: the blocking thread knows no request.
            let plain = web::block(current_span)
                .instrument(tracing::info_span!("HTTP request", request_id = "r-2"))
                .await;
            (carried, plain)
        });
        assert_eq!(carried.ok().flatten(), Some("HTTP request"));
        assert_eq!(plain.ok().flatten(), None);
    }
}
