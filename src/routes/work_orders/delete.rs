//! Soft delete (W7) with a confirmation page that works without JavaScript, and restore.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::Utc;

use crate::db::work_orders;
use crate::domain::codes::record_state;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::services;
use crate::services::Actor;
use crate::web::AppState;
use crate::web::auth::CurrentUser;
use crate::web::blocking;
use crate::web::page::{PageCtx, flash, render};
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
pub async fn confirm(
    state: web::Data<AppState>,
    ctx: PageCtx,
    user: CurrentUser,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Gestor)?;
    let id = path.into_inner();
    let order = blocking(&state, move |c| work_orders::find(c, id))
        .await??
        .filter(|o| o.record_state != record_state::DELETED)
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
pub async fn delete(
    state: web::Data<AppState>,
    session: Session,
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
        &session,
        true,
        "OT eliminada. Un administrador puede restaurarla.",
    );
    Ok(see_other("/ot"))
}

/// `POST /ot/{id}/restaurar` (administrators).
pub async fn restore(
    state: web::Data<AppState>,
    session: Session,
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
    flash(&session, true, "OT restaurada.");
    Ok(see_other(&format!("/ot/{id}")))
}
