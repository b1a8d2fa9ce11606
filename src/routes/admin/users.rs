//! `/admin/usuarios`: user administration (administrators only): list, create with a temporary
//! password, change role, reset password, disable (closes the sessions at once), enable, unlock.
//! The last active administrator can be neither disabled nor demoted.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::Utc;
use serde::Deserialize;

use crate::db::{DbConn, users};
use crate::domain::role::Role;
use crate::error::AppError;
use crate::services::Actor;
use crate::services::accounts::{self, AccountError, NewAccount};
use crate::web::AppState;
use crate::web::auth::CurrentUser;
use crate::web::blocking;
use crate::web::page::{Flasher, PageCtx, flash, render};
use crate::web::response::see_other;

pub struct Row {
    pub id: i32,
    pub username: String,
    pub name: String,
    pub role: String,
    pub role_label: &'static str,
    pub active: bool,
    pub locked: bool,
    pub must_change: bool,
}

#[derive(Template)]
#[template(path = "admin/users.html")]
struct ListPage {
    ctx: PageCtx,
    rows: Vec<Row>,
    roles: Vec<(&'static str, &'static str)>,
    error: Option<String>,
    username: String,
    name: String,
}

#[derive(Template)]
#[template(path = "admin/password.html")]
struct PasswordShown {
    ctx: PageCtx,
    username: String,
    password: String,
}

fn roles() -> Vec<(&'static str, &'static str)> {
    Role::ALL.iter().map(|r| (r.code(), r.label())).collect()
}

async fn show(
    state: &AppState,
    ctx: PageCtx,
    status: StatusCode,
    error: Option<String>,
    username: String,
    name: String,
) -> Result<HttpResponse, AppError> {
    let now = Utc::now().naive_utc();
    let list = blocking(state, users::list).await??;
    let rows = list
        .into_iter()
        .map(|u| Row {
            id: u.id,
            role_label: u.role.parse::<Role>().map_or("", Role::label),
            locked: u.locked_until.is_some_and(|t| t > now),
            username: u.username,
            name: u.display_name,
            role: u.role,
            active: u.active,
            must_change: u.must_change_password,
        })
        .collect();
    render(
        status,
        &ListPage {
            ctx,
            rows,
            roles: roles(),
            error,
            username,
            name,
        },
    )
}

#[tracing::instrument(name = "handler", skip_all, fields(handler = "admin::users::list"))]
pub async fn list(
    state: web::Data<AppState>,
    ctx: PageCtx,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    show(
        &state,
        ctx,
        StatusCode::OK,
        None,
        String::new(),
        String::new(),
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CreateForm {
    username: String,
    nombre: String,
    rol: String,
}

/// `POST /admin/usuarios`: shows the temporary password once, on the answer itself.
#[tracing::instrument(name = "handler", skip_all, fields(handler = "admin::users::create"))]
pub async fn create(
    state: web::Data<AppState>,
    ctx: PageCtx,
    user: CurrentUser,
    form: web::Form<CreateForm>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    let form = form.into_inner();
    let Ok(role) = form.rol.parse::<Role>() else {
        return show(
            &state,
            ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("Elija un rol.".into()),
            form.username,
            form.nombre,
        )
        .await;
    };
    let password = accounts::temporary_password();
    let actor = Actor::from(&user);
    let (username, name, pw) = (form.username.clone(), form.nombre.clone(), password.clone());
    let result = blocking(&state, move |c| {
        accounts::create_user(
            c,
            &NewAccount {
                username: &username,
                display_name: Some(&name),
                role,
                password: &pw,
                must_change_password: true,
            },
            &actor,
            Utc::now().naive_utc(),
        )
    })
    .await?;
    match result {
        Ok(_) => render(
            StatusCode::OK,
            &PasswordShown {
                ctx,
                username: form.username.trim().to_lowercase(),
                password,
            },
        ),
        Err(AccountError::Invalid(msg)) => {
            show(
                &state,
                ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(msg),
                form.username,
                form.nombre,
            )
            .await
        }
        Err(e) => Err(AppError::internal(e)),
    }
}

fn target(c: &mut DbConn, id: i32) -> Result<users::User, AppError> {
    users::find(c, id)?.ok_or(AppError::NotFound)
}

/// Runs an account change on user `id`; refusals come back as a flash message on the list.
async fn change<F>(
    state: &AppState,
    flasher: &Flasher,
    user: &CurrentUser,
    id: i32,
    done: &str,
    f: F,
) -> Result<HttpResponse, AppError>
where
    F: FnOnce(&mut DbConn, &users::User, &Actor) -> Result<(), AccountError> + Send + 'static,
{
    user.require(Role::Admin)?;
    let actor = Actor::from(user);
    let result = blocking(
        state,
        move |c| -> Result<Result<(), AccountError>, AppError> {
            let target = target(c, id)?;
            Ok(f(c, &target, &actor))
        },
    )
    .await??;
    match result {
        Ok(()) => flash(flasher, true, done),
        Err(AccountError::Invalid(msg)) => flash(flasher, false, msg),
        Err(e) => return Err(AppError::internal(e)),
    }
    Ok(see_other("/admin/usuarios"))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RoleForm {
    rol: String,
}

#[tracing::instrument(name = "handler", skip_all, fields(handler = "admin::users::set_role"))]
pub async fn set_role(
    state: web::Data<AppState>,
    flasher: Flasher,
    user: CurrentUser,
    path: web::Path<i32>,
    form: web::Form<RoleForm>,
) -> Result<HttpResponse, AppError> {
    let Ok(role) = form.rol.parse::<Role>() else {
        user.require(Role::Admin)?;
        return Err(AppError::BadRequest("Rol desconocido.".into()));
    };
    change(
        &state,
        &flasher,
        &user,
        path.into_inner(),
        "Rol actualizado.",
        move |c, t, a| accounts::change_role(c, t, role, a, Utc::now().naive_utc()),
    )
    .await
}

#[tracing::instrument(name = "handler", skip_all, fields(handler = "admin::users::disable"))]
pub async fn disable(
    state: web::Data<AppState>,
    flasher: Flasher,
    user: CurrentUser,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    change(
        &state,
        &flasher,
        &user,
        path.into_inner(),
        "Usuario desactivado; sus sesiones se cerraron.",
        |c, t, a| accounts::disable_user(c, t, a, Utc::now().naive_utc()),
    )
    .await
}

#[tracing::instrument(name = "handler", skip_all, fields(handler = "admin::users::enable"))]
pub async fn enable(
    state: web::Data<AppState>,
    flasher: Flasher,
    user: CurrentUser,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    change(
        &state,
        &flasher,
        &user,
        path.into_inner(),
        "Usuario activado.",
        |c, t, a| accounts::enable_user(c, t, a, Utc::now().naive_utc()),
    )
    .await
}

#[tracing::instrument(name = "handler", skip_all, fields(handler = "admin::users::unlock"))]
pub async fn unlock(
    state: web::Data<AppState>,
    flasher: Flasher,
    user: CurrentUser,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    change(
        &state,
        &flasher,
        &user,
        path.into_inner(),
        "Usuario desbloqueado.",
        |c, t, a| accounts::unlock_user(c, t, a, Utc::now().naive_utc()),
    )
    .await
}

/// `POST /admin/usuarios/{id}/contrasena`: a new temporary password, shown once.
#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "admin::users::reset_password")
)]
pub async fn reset_password(
    state: web::Data<AppState>,
    ctx: PageCtx,
    user: CurrentUser,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    let id = path.into_inner();
    let password = accounts::temporary_password();
    let actor = Actor::from(&user);
    let pw = password.clone();
    let username = blocking(&state, move |c| -> Result<String, AppError> {
        let t = target(c, id)?;
        accounts::set_password(c, &t, &pw, true, &actor, Utc::now().naive_utc())
            .map_err(AppError::internal)?;
        Ok(t.username)
    })
    .await??;
    render(
        StatusCode::OK,
        &PasswordShown {
            ctx,
            username,
            password,
        },
    )
}
