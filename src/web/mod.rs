//! Web plumbing shared by the routes: page context and rendering, static assets, headers.

pub mod assets;
pub mod page;
pub mod upload;

use actix_web::web;

use crate::accounts::Actor;
use crate::auth::CurrentUser;
use crate::db::DbConn;
use crate::error::AppError;
use crate::startup::AppState;

/// Runs `f` on a pooled connection on the blocking thread pool (never on an async worker).
pub async fn blocking<R, F>(state: &AppState, f: F) -> Result<R, AppError>
where
    R: Send + 'static,
    F: FnOnce(&mut DbConn) -> R + Send + 'static,
{
    let pool = state.pool.clone();
    web::block(move || -> Result<R, AppError> {
        let mut conn = pool.get()?;
        Ok(f(&mut conn))
    })
    .await?
}

impl From<&CurrentUser> for Actor {
    fn from(user: &CurrentUser) -> Actor {
        Actor {
            user_id: Some(user.id),
            username: user.username.clone(),
        }
    }
}
