//! Authentication and authorisation at the HTTP edge: the session store, the request gate
//! (session, password-change and CSRF checks) and the current-user extractor with role guard.
//! Password hashing is a use-case concern (`services::password`).

pub mod csrf;
pub mod gate;
pub mod login_guard;
pub mod session_cache;
pub mod session_store;

use std::future::{Ready, ready};

use actix_web::{FromRequest, HttpMessage, HttpRequest, dev::Payload};

use crate::db::versions::Snapshot;
use crate::domain::role::Role;
use crate::error::AppError;

/// The logged-in user, put in the request by the gate after checking the session and that the
/// account is still active.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub id: i32,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub must_change_password: bool,
}

impl CurrentUser {
    /// Role guard for handlers: `user.require(Role::Gestor)?`.
    pub fn require(&self, needed: Role) -> Result<(), AppError> {
        if self.role.allows(needed) {
            Ok(())
        } else {
            Err(AppError::Forbidden(
                "Su rol no permite esta acción. Pida acceso a un administrador.".to_owned(),
            ))
        }
    }
}

impl FromRequest for CurrentUser {
    type Error = AppError;
    type Future = Ready<Result<CurrentUser, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        // The gate refuses requests without a session before any handler runs, so a missing user
        // here means the route was registered as public by mistake: refuse rather than guess.
        ready(
            req.extensions()
                .get::<CurrentUser>()
                .cloned()
                .ok_or_else(|| AppError::Forbidden("Inicie sesión para continuar.".to_owned())),
        )
    }
}

/// The version rows (`db::versions`) as the gate read them after the request arrived, when it
/// did (PostgreSQL, a session checked against this instance's copy): a page checks its caches
/// against them instead of reading them again — one round trip less. `None` (SQLite, where a
/// read is a function call, or a session read from its row): the page reads them.
#[derive(Debug, Clone, Default)]
pub struct SeenVersions(pub Option<Snapshot>);

impl SeenVersions {
    pub fn snapshot(&self) -> Option<&Snapshot> {
        self.0.as_ref()
    }
}

impl FromRequest for SeenVersions {
    type Error = std::convert::Infallible;
    type Future = Ready<Result<SeenVersions, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(req
            .extensions()
            .get::<SeenVersions>()
            .cloned()
            .unwrap_or_default()))
    }
}
