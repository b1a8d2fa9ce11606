//! Soft delete (W7) with a confirmation page that works without JavaScript, and restore.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::Utc;

use crate::db::work_orders;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::services;
use crate::services::Actor;
use crate::web::AppState;
use crate::web::auth::CurrentUser;
use crate::web::blocking;
use crate::web::page::{Flasher, PageCtx, flash, render};
use crate::web::response::see_other;

#[derive(Template)]
#[template(path = "work_orders/delete.html")]
struct ConfirmPage {
    ctx: PageCtx,
    id: i32,
    folio: String,
    oficio: String,
}

/// `GET /ot/{id}/eliminar`: asks for confirmation.
#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "work_orders::delete::confirm")
)]
pub async fn confirm(
    state: web::Data<AppState>,
    ctx: PageCtx,
    user: CurrentUser,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Gestor)?;
    let id = path.into_inner();
    let order = blocking(&state, move |c| work_orders::find_visible(c, id))
        .await??
        .ok_or(AppError::NotFound)?;
    render(
        StatusCode::OK,
        &ConfirmPage {
            ctx,
            id,
            folio: order.folio,
            oficio: order.oficio,
        },
    )
}

/// `POST /ot/{id}/eliminar`.
#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "work_orders::delete::delete")
)]
pub async fn delete(
    state: web::Data<AppState>,
    flasher: Flasher,
    user: CurrentUser,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Gestor)?;
    let id = path.into_inner();
    let actor = Actor::from(&user);
    blocking(&state, move |c| {
        services::work_orders::delete(c, id, &actor, Utc::now().naive_utc())
    })
    .await??;
    flash(
        &flasher,
        true,
        "OT eliminada. Un administrador puede restaurarla.",
    );
    Ok(see_other("/ot"))
}

/// `POST /ot/{id}/restaurar` (administrators).
#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "work_orders::delete::restore")
)]
pub async fn restore(
    state: web::Data<AppState>,
    flasher: Flasher,
    user: CurrentUser,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    let id = path.into_inner();
    let actor = Actor::from(&user);
    blocking(&state, move |c| {
        services::work_orders::restore(c, id, &actor, Utc::now().naive_utc())
    })
    .await??;
    flash(&flasher, true, "OT restaurada.");
    Ok(see_other(&format!("/ot/{id}")))
}
