//! Login, logout and the password change.

use actix_session::Session;
use actix_web::http::StatusCode;
use std::net::IpAddr;
use std::time::{Duration, Instant};

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::Utc;
use serde::Deserialize;

use crate::error::AppError;
use crate::services::Actor;
use crate::services::accounts::{self, LoginOutcome, PasswordErrors};
use crate::web::auth::gate::PASSWORD_PATH;
use crate::web::auth::session_store::USER_KEY;
use crate::web::auth::{CurrentUser, csrf};
use crate::web::page::{Flasher, PageCtx, flash, render};
use crate::web::response::{safe_next, see_other};
use crate::web::{AppState, blocking};

/// The same sentence for a wrong password, an unknown user, a locked or a disabled account.
pub const LOGIN_REFUSED: &str = "Usuario o contraseña incorrectos. Tras varios intentos fallidos \
     la cuenta espera unos minutos antes de aceptar otro intento.";

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    ctx: PageCtx,
    username: String,
    next: String,
    error: Option<String>,
    notice: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
    salida: Option<String>,
}

#[tracing::instrument(name = "handler", skip_all, fields(handler = "account::login_form"))]
pub async fn login_form(
    state: web::Data<AppState>,
    mut ctx: PageCtx,
    request: HttpRequest,
    query: web::Query<LoginQuery>,
) -> Result<HttpResponse, AppError> {
    if ctx.user.is_some() {
        return Ok(see_other(safe_next(query.next.as_deref())));
    }
    let notice = query
        .salida
        .as_ref()
        .map(|_| "Sesión cerrada. Hasta pronto.".to_owned());
    // The form's token is signed from a nonce in a cookie: no session row for a visitor.
    let existing = csrf::anon_nonce(
        request
            .cookie(csrf::ANON_COOKIE)
            .as_ref()
            .map(|c| c.value()),
    );
    let nonce = existing.clone().unwrap_or_else(csrf::new_token);
    ctx.csrf = csrf::anon_token(&state.csrf_key, &nonce);
    let mut response = render(
        StatusCode::OK,
        &LoginPage {
            ctx,
            username: String::new(),
            next: safe_next(query.next.as_deref()).to_owned(),
            error: None,
            notice,
        },
    )?;
    if existing.is_none() {
        let cookie = actix_web::cookie::Cookie::build(csrf::ANON_COOKIE, nonce)
            .path("/")
            .http_only(true)
            .secure(state.config.secure_cookies)
            .same_site(actix_web::cookie::SameSite::Strict)
            .finish();
        response.add_cookie(&cookie).map_err(AppError::internal)?;
    }
    Ok(response)
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

/// The client's address for the login limits.
fn client_ip(request: &HttpRequest, trust_proxy: bool) -> IpAddr {
    crate::web::auth::login_guard::client_ip(request.headers(), request.peer_addr(), trust_proxy)
}

/// The login form again with a message, a status and `Retry-After`.
fn come_back_later(
    ctx: PageCtx,
    form: &LoginForm,
    status: StatusCode,
    message: &str,
    wait: Duration,
) -> Result<HttpResponse, AppError> {
    let mut response = render(
        status,
        &LoginPage {
            ctx,
            username: form.username.chars().take(50).collect(),
            next: safe_next(form.next.as_deref()).to_owned(),
            error: Some(message.to_owned()),
            notice: None,
        },
    )?;
    if let Ok(v) = header::HeaderValue::from_str(&wait.as_secs().max(1).to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, v);
    }
    Ok(response)
}

#[tracing::instrument(name = "handler", skip_all, fields(handler = "account::login"))]
pub async fn login(
    state: web::Data<AppState>,
    session: Session,
    flasher: Flasher,
    ctx: PageCtx,
    request: HttpRequest,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let ip = client_ip(&request, state.config.trust_proxy);
    if let Err(wait) = state.login.allow(ip, Instant::now()) {
        tracing::warn!(%ip, "login attempts over the limit");
        return come_back_later(
            ctx,
            &form,
            StatusCode::TOO_MANY_REQUESTS,
            &format!(
                "Demasiados intentos desde este equipo. Espere {} segundos e intente de nuevo.",
                wait.as_secs().max(1)
            ),
            wait,
        );
    }
    let Some(permit) = state.login.permit().await else {
        return come_back_later(
            ctx,
            &form,
            StatusCode::SERVICE_UNAVAILABLE,
            "Hay muchos inicios de sesión en este momento. Intente de nuevo en unos segundos.",
            Duration::from_secs(5),
        );
    };
    let (username, password) = (form.username.clone(), form.password.clone());
    let outcome = blocking(&state, move |c| {
        // The hashing slot is held while the password is checked.
        let _permit = permit;
        accounts::login(c, &username, &password, Utc::now().naive_utc())
    })
    .await??;
    let next = safe_next(form.next.as_deref()).to_owned();
    match outcome {
        LoginOutcome::Accepted(user) => {
            // A new session id at login: no fixation. A new CSRF token with it.
            session.renew();
            session
                .insert(USER_KEY, user.id)
                .and_then(|()| session.insert(csrf::SESSION_KEY, csrf::new_token()))
                .map_err(AppError::internal)?;
            if user.must_change_password {
                flash(
                    &flasher,
                    true,
                    "Por seguridad, cambie la contraseña temporal antes de continuar.",
                );
                return Ok(see_other(PASSWORD_PATH));
            }
            Ok(see_other(&next))
        }
        LoginOutcome::Refused => render(
            StatusCode::UNAUTHORIZED,
            &LoginPage {
                ctx,
                username: form.username.chars().take(50).collect(),
                next,
                error: Some(LOGIN_REFUSED.to_owned()),
                notice: None,
            },
        ),
    }
}

#[tracing::instrument(name = "handler", skip_all, fields(handler = "account::logout"))]
pub async fn logout(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    let actor = Actor::from(&user);
    blocking(&state, move |c| {
        accounts::record_logout(c, &actor, Utc::now().naive_utc())
    })
    .await??;
    // Deletes the server-side row: the old cookie is worthless from now on.
    session.purge();
    Ok(see_other("/login?salida=1"))
}

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    ctx: PageCtx,
    forced: bool,
    errors: PasswordErrors,
}

#[tracing::instrument(name = "handler", skip_all, fields(handler = "account::password_form"))]
pub async fn password_form(ctx: PageCtx, user: CurrentUser) -> Result<HttpResponse, AppError> {
    render(
        StatusCode::OK,
        &PasswordPage {
            ctx,
            forced: user.must_change_password,
            errors: PasswordErrors::default(),
        },
    )
}

#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    actual: String,
    #[serde(default)]
    nueva: String,
    #[serde(default)]
    confirmacion: String,
}

#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "account::change_password")
)]
pub async fn change_password(
    state: web::Data<AppState>,
    session: Session,
    flasher: Flasher,
    ctx: PageCtx,
    user: CurrentUser,
    form: web::Form<PasswordForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let uid = user.id;
    let actor = Actor::from(&user);
    let errors = blocking(&state, move |c| {
        accounts::change_own_password(
            c,
            uid,
            &form.actual,
            &form.nueva,
            &form.confirmacion,
            &actor,
            Utc::now().naive_utc(),
        )
    })
    .await?
    .map_err(AppError::internal)?;
    if errors.any() {
        return render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &PasswordPage {
                ctx,
                forced: user.must_change_password,
                errors,
            },
        );
    }
    // Every session of the user was revoked; this one continues under a new id.
    session.renew();
    session
        .insert(csrf::SESSION_KEY, csrf::new_token())
        .map_err(AppError::internal)?;
    flash(
        &flasher,
        true,
        "Contraseña actualizada. Las demás sesiones se cerraron.",
    );
    Ok(see_other("/"))
}
