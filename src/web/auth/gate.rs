//! The request gate, run before every handler:
//! 1. loads the session's user and checks the account is still active;
//! 2. refuses requests without a session, except on the public paths (redirect to the login page
//!    for pages, 401 JSON for API paths);
//! 3. sends a user who must change the password to that page first;
//! 4. checks the CSRF token and origin on every state-changing request.

use actix_session::{Session, SessionExt};
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpResponse, web};

use std::time::Instant;

use super::csrf::{self, Refusal};
use super::session_cache::{UserRow, read_versioned};
use super::session_store::USER_KEY;
use super::{CurrentUser, SeenVersions};
use crate::db::users;
use crate::error::AppError;
use crate::web::AppState;
use crate::web::blocking;
use crate::web::response::{is_api_path, json_error, log_cause, refusal, see_other};

/// Paths reachable without a session: the login page, the health check and static assets.
pub fn is_public(path: &str) -> bool {
    path == "/login" || path == "/healthz" || path.starts_with("/static/")
}

/// Paths a user who must change the password may still reach.
fn allowed_before_password_change(path: &str) -> bool {
    path == PASSWORD_PATH || path == "/logout" || is_public(path)
}

pub const PASSWORD_PATH: &str = "/cuenta/contrasena";

pub async fn gate(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    // One client address may not hold more than a bounded number of requests at once (slow
    // bodies included), so it cannot take every connection the process may open.
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return checked(req, next).await;
    };
    let ip =
        super::login_guard::client_ip(req.headers(), req.peer_addr(), state.config.trust_proxy);
    let Some(_slot) = state.in_flight.enter(ip) else {
        tracing::warn!(%ip, "too many requests in flight from one address");
        let path = req.path().to_owned();
        let mut response = refusal(
            &path,
            StatusCode::SERVICE_UNAVAILABLE,
            "Demasiadas solicitudes",
            "Hay demasiadas solicitudes en curso desde este equipo. Intente de nuevo en unos \
             segundos.",
        );
        response.headers_mut().insert(
            actix_web::http::header::RETRY_AFTER,
            actix_web::http::header::HeaderValue::from_static("5"),
        );
        return Ok(req.into_response(response));
    };
    checked(req, next).await
}

async fn checked(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let session = req.get_session();
    let path = req.path().to_owned();

    let user = match current_user(&req, &session).await {
        Ok(user) => user,
        Err(response) => return Ok(req.into_response(response)),
    };

    match &user {
        None if !is_public(&path) => {
            let response = login_required(&req);
            return Ok(req.into_response(response));
        }
        Some(u) if u.must_change_password && !allowed_before_password_change(&path) => {
            let response = if is_api_path(&path) {
                json_error(
                    StatusCode::FORBIDDEN,
                    "Debe cambiar su contraseña antes de continuar.",
                )
            } else {
                see_other(PASSWORD_PATH)
            };
            return Ok(req.into_response(response));
        }
        _ => {}
    }
    if let Some(u) = user {
        req.extensions_mut().insert(u);
    }

    // Every body has a deadline, whoever reads it (the token check below, or the handler).
    if let Some(state) = req.app_data::<web::Data<AppState>>() {
        let limit = state.config.body_timeout;
        let payload = req.take_payload();
        req.set_payload(csrf::with_deadline(payload, limit));
    }
    let key = req
        .app_data::<web::Data<AppState>>()
        .map(|s| s.csrf_key.clone())
        .unwrap_or_default();
    if csrf::is_unsafe(req.method())
        && let Err(refusal) = csrf::verify(&mut req, &session, &key).await
    {
        tracing::warn!(?refusal, path = %path, "state-changing request refused");
        let response = refused(&path, refusal);
        return Ok(req.into_response(response));
    }

    next.call(req)
        .await
        .map(ServiceResponse::map_into_boxed_body)
}

/// When the request arrived (before its session was loaded): a version read that started later
/// may validate it.
#[derive(Debug, Clone, Copy)]
pub struct Arrived(pub Instant);

/// Stamps the request's arrival, outside the session middleware.
pub async fn stamp_arrival(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    req.extensions_mut().insert(Arrived(Instant::now()));
    next.call(req).await
}

/// The gate's view of user `uid`: this instance's copy while the `auth` version is the one it
/// was read at, else the row (kept for the next request).
async fn user_row(
    req: &ServiceRequest,
    state: &AppState,
    uid: i32,
) -> Result<Result<Option<UserRow>, diesel::result::Error>, AppError> {
    let arrived = req
        .extensions()
        .get::<Arrived>()
        .map_or_else(Instant::now, |a| a.0);
    if let Some((version, row)) = state.auth.user(uid) {
        let probed = state
            .auth
            .probe
            .probed_since(arrived)
            .await
            .map_err(AppError::internal)?;
        if probed.auth == version {
            // Read after the request arrived: its pages check their caches against it.
            req.extensions_mut().insert(SeenVersions(probed.all));
            return Ok(Ok(Some(row)));
        }
    }
    let read = blocking(state, move |c| read_versioned(c, |c| users::find(c, uid))).await?;
    Ok(read.map(|(version, found)| {
        found.map(|u| {
            let row = UserRow {
                id: u.id,
                username: u.username,
                display_name: u.display_name,
                role: u.role,
                active: u.active,
                must_change_password: u.must_change_password,
            };
            state.auth.keep_user(version, row.clone());
            row
        })
    }))
}

/// The session's user if the session names one that exists and is active. A session naming a
/// disabled or deleted user is purged.
async fn current_user(
    req: &ServiceRequest,
    session: &Session,
) -> Result<Option<CurrentUser>, HttpResponse> {
    let Ok(Some(uid)) = session.get::<i32>(USER_KEY) else {
        return Ok(None);
    };
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return Ok(None);
    };
    let found = user_row(req, &state, uid).await;
    match found {
        Ok(Ok(Some(u))) if u.active => match u.role.parse() {
            Ok(role) => Ok(Some(CurrentUser {
                id: u.id,
                username: u.username,
                display_name: u.display_name,
                role,
                must_change_password: u.must_change_password,
            })),
            Err(_) => {
                session.purge();
                Ok(None)
            }
        },
        Ok(Ok(_)) => {
            session.purge();
            Ok(None)
        }
        Ok(Err(e)) => {
            tracing::error!(error = ?e, "cannot load the session's user");
            Err(unavailable(req.path()))
        }
        Err(e) => {
            log_cause(&e);
            Err(unavailable(req.path()))
        }
    }
}

fn unavailable(path: &str) -> HttpResponse {
    refusal(
        path,
        StatusCode::SERVICE_UNAVAILABLE,
        "Servicio no disponible",
        "El servicio no está disponible en este momento. Intente de nuevo en unos minutos.",
    )
}

fn login_required(req: &ServiceRequest) -> HttpResponse {
    if is_api_path(req.path()) {
        return json_error(
            StatusCode::UNAUTHORIZED,
            "Sesión no iniciada o caducada. Inicie sesión.",
        );
    }
    let target = req
        .uri()
        .path_and_query()
        .map(|pq| pq.as_str())
        .unwrap_or("/");
    let next: String = url_encode(target);
    see_other(&format!("/login?next={next}"))
}

fn refused(path: &str, why: Refusal) -> HttpResponse {
    let (status, msg) = match why {
        Refusal::TooLarge => (
            StatusCode::PAYLOAD_TOO_LARGE,
            "El formulario enviado es demasiado grande.",
        ),
        Refusal::SlowBody => (
            StatusCode::REQUEST_TIMEOUT,
            "La solicitud tardó demasiado en llegar. Revise su conexión e intente de nuevo.",
        ),
        Refusal::CrossOrigin | Refusal::BadToken => (
            StatusCode::FORBIDDEN,
            "No se pudo verificar la solicitud (token de seguridad ausente, inválido o caducado). \
             Recargue la página e intente de nuevo.",
        ),
    };
    refusal(path, status, "Solicitud rechazada", msg)
}

fn url_encode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)])
        .map(|encoded| encoded.trim_start_matches('=').to_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_public_paths_are_exactly_login_health_and_static() {
        assert!(is_public("/login"));
        assert!(is_public("/healthz"));
        assert!(is_public("/static/css/app.css"));
        assert!(!is_public("/"));
        assert!(!is_public("/login/extra"));
        assert!(!is_public("/logout"));
    }
}
