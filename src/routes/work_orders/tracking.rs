//! Step changes (W9) and OT status changes (W8) from the detail page.

use actix_session::Session;
use actix_web::{HttpResponse, web};
use chrono::Utc;

use super::detail::{DetailView, render_detail};
use crate::domain::execution::{StatusForm, StepForm};
use crate::domain::role::Role;
use crate::error::AppError;
use crate::services;
use crate::services::Actor;
use crate::services::ServiceError;
use crate::web::AppState;
use crate::web::auth::CurrentUser;
use crate::web::blocking;
use crate::web::page::{PageCtx, flash};
use crate::web::response::{refused, safe_next, see_other};

#[expect(
    clippy::too_many_arguments,
    reason = "each argument is a distinct input of the use case; a struct would only rename them"
)]
async fn answer(
    state: &AppState,
    session: &Session,
    ctx: PageCtx,
    user: &CurrentUser,
    id: i32,
    result: Result<(), ServiceError>,
    done: &str,
    anchor: &str,
) -> Result<HttpResponse, AppError> {
    match result {
        Ok(()) => {
            flash(session, true, done);
            Ok(see_other(&format!("/ot/{id}{anchor}")))
        }
        Err(e) => {
            let (status, msg) = refused(e)?.status_and_message();
            render_detail(
                state,
                ctx,
                user,
                id,
                status,
                Some(msg),
                DetailView::default(),
            )
            .await
        }
    }
}

/// `POST /ot/{id}/estatus`.
#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "work_orders::tracking::change_status")
)]
pub async fn change_status(
    state: web::Data<AppState>,
    session: Session,
    ctx: PageCtx,
    user: CurrentUser,
    path: web::Path<i32>,
    form: web::Form<StatusForm>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Gestor)?;
    let id = path.into_inner();
    let actor = Actor::from(&user);
    let today = state.clock.today();
    let form = form.into_inner();
    let back = form.volver.trim().to_owned();
    let result = blocking(&state, move |c| {
        services::execution::change_status(c, id, &form, &actor, today, Utc::now().naive_utc())
    })
    .await?;
    if result.is_ok() && !back.is_empty() {
        flash(&session, true, "Estatus actualizado.");
        return Ok(see_other(safe_next(Some(&back))));
    }
    answer(
        &state,
        &session,
        ctx,
        &user,
        id,
        result,
        "Estatus actualizado.",
        "",
    )
    .await
}

/// `POST /ot/{id}/pasos/{paso_id}`.
#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "work_orders::tracking::change_step")
)]
pub async fn change_step(
    state: web::Data<AppState>,
    session: Session,
    ctx: PageCtx,
    user: CurrentUser,
    path: web::Path<(i32, i32)>,
    form: web::Form<StepForm>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Gestor)?;
    let (id, step_id) = path.into_inner();
    let actor = Actor::from(&user);
    let today = state.clock.today();
    let form = form.into_inner();
    let result = blocking(&state, move |c| {
        services::execution::change_step(
            c,
            id,
            step_id,
            &form,
            &actor,
            today,
            Utc::now().naive_utc(),
        )
    })
    .await?;
    answer(
        &state,
        &session,
        ctx,
        &user,
        id,
        result,
        "Paso actualizado.",
        "#pasos",
    )
    .await
}
