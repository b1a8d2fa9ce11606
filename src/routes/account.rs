//! Login, logout and the password change.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::Utc;
use serde::Deserialize;

use crate::db::users;
use crate::error::AppError;
use crate::services::Actor;
use crate::services::accounts::{self, AccountError, LoginOutcome};
use crate::web::AppState;
use crate::web::auth::gate::PASSWORD_PATH;
use crate::web::auth::session_store::USER_KEY;
use crate::web::auth::{CurrentUser, csrf};
use crate::web::page::{PageCtx, flash, render};
use crate::web::response::{safe_next, see_other};

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

pub async fn login_form(
    ctx: PageCtx,
    query: web::Query<LoginQuery>,
) -> Result<HttpResponse, AppError> {
    if ctx.user.is_some() {
        return Ok(see_other(safe_next(query.next.as_deref())));
    }
    let notice = query
        .salida
        .as_ref()
        .map(|_| "Sesión cerrada. Hasta pronto.".to_owned());
    render(
        StatusCode::OK,
        &LoginPage {
            ctx,
            username: String::new(),
            next: safe_next(query.next.as_deref()).to_owned(),
            error: None,
            notice,
        },
    )
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

pub async fn login(
    state: web::Data<AppState>,
    session: Session,
    ctx: PageCtx,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let pool = state.pool.clone();
    let (username, password) = (form.username.clone(), form.password);
    let outcome = web::block(move || -> Result<LoginOutcome, AppError> {
        let mut conn = pool.get()?;
        Ok(accounts::login(
            &mut conn,
            &username,
            &password,
            Utc::now().naive_utc(),
        )?)
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
                    &session,
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

pub async fn logout(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    let pool = state.pool.clone();
    let actor = Actor {
        user_id: Some(user.id),
        username: user.username.clone(),
    };
    web::block(move || -> Result<(), AppError> {
        let mut conn = pool.get()?;
        Ok(accounts::record_logout(
            &mut conn,
            &actor,
            Utc::now().naive_utc(),
        )?)
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

#[derive(Debug, Default)]
struct PasswordErrors {
    actual: Option<String>,
    nueva: Option<String>,
    confirmacion: Option<String>,
}

impl PasswordErrors {
    fn any(&self) -> bool {
        self.actual.is_some() || self.nueva.is_some() || self.confirmacion.is_some()
    }
}

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

pub async fn change_password(
    state: web::Data<AppState>,
    session: Session,
    ctx: PageCtx,
    user: CurrentUser,
    form: web::Form<PasswordForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let pool = state.pool.clone();
    let uid = user.id;
    let actor = Actor {
        user_id: Some(user.id),
        username: user.username.clone(),
    };
    let errors = web::block(move || -> Result<PasswordErrors, AppError> {
        let mut conn = pool.get()?;
        let account = users::find(&mut conn, uid)?.ok_or(AppError::NotFound)?;
        let mut errors = PasswordErrors::default();
        if !crate::services::password::verify(&form.actual, &account.password_hash) {
            errors.actual = Some("La contraseña actual no es correcta.".into());
        }
        if let Err(msg) =
            crate::domain::account::check_password_policy(&form.nueva, &account.username)
        {
            errors.nueva = Some(msg);
        } else if form.nueva == form.actual {
            errors.nueva = Some("La contraseña nueva debe ser distinta de la actual.".into());
        }
        if form.confirmacion != form.nueva {
            errors.confirmacion =
                Some("La confirmación no coincide con la contraseña nueva.".into());
        }
        if errors.any() {
            return Ok(errors);
        }
        let now = Utc::now().naive_utc();
        match accounts::set_password(&mut conn, &account, &form.nueva, false, &actor, now) {
            Ok(()) => Ok(errors),
            Err(AccountError::Invalid(msg)) => Ok(PasswordErrors {
                nueva: Some(msg),
                ..PasswordErrors::default()
            }),
            Err(e) => Err(AppError::internal(e)),
        }
    })
    .await??;
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
        &session,
        true,
        "Contraseña actualizada. Las demás sesiones se cerraron.",
    );
    Ok(see_other("/"))
}
