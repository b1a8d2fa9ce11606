//! Step changes (W9) and OT status changes (W8) from the detail page.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::Utc;

use super::detail::{
    DetailView, STEP_DRAFT, StepDraft, StepRowFragment, load_step_row, render_detail,
};
use crate::domain::execution::{StatusForm, StepForm};
use crate::domain::role::Role;
use crate::error::AppError;
use crate::services;
use crate::services::Actor;
use crate::services::execution::StepOf;
use crate::web::AppState;
use crate::web::auth::CurrentUser;
use crate::web::blocking;
use crate::web::page::{Flasher, PageCtx, flash, render};
use crate::web::response::{refused, safe_next, see_other};

/// The header the in-place step editor sends: answer with the row's HTML, not a page.
pub const FRAGMENT_HEADER: &str = "x-faena-fragment";

/// `POST /ot/{id}/estatus`.
#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "work_orders::tracking::change_status")
)]
pub async fn change_status(
    state: web::Data<AppState>,
    flasher: Flasher,
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
    let caches = state.caches.clone();
    let result = blocking(&state, move |c| -> Result<_, AppError> {
        let catalogs = caches.catalogs.get(c)?;
        let now = Utc::now().naive_utc();
        Ok(services::execution::change_status(
            c, &catalogs, id, &form, &actor, today, now,
        ))
    })
    .await??;
    match result {
        Ok(()) => {
            flash(&flasher, true, "Estatus actualizado.");
            // Back to the list the change was made from, else the order's page.
            let target = if back.is_empty() {
                format!("/ot/{id}")
            } else {
                safe_next(Some(&back)).to_owned()
            };
            Ok(see_other(&target))
        }
        Err(e) => {
            let (status, msg) = refused(e)?.status_and_message();
            render_detail(
                &state,
                ctx,
                &user,
                id,
                status,
                Some(msg),
                DetailView::default(),
            )
            .await
        }
    }
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
    request: HttpRequest,
    form: web::Form<StepForm>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Gestor)?;
    let (id, step_id) = path.into_inner();
    let actor = Actor::from(&user);
    let today = state.clock.today();
    let form = form.into_inner();
    let submitted = form.clone();
    let fragment = request.headers().contains_key(FRAGMENT_HEADER);
    let caches = state.caches.clone();
    // One trip to the pool: the change, then (for the in-place editor) the row as it now is.
    let (result, row) = blocking(&state, move |c| -> Result<_, AppError> {
        let catalogs = caches.catalogs.get(c)?;
        let step = StepOf {
            order_id: id,
            step_id,
        };
        let now = Utc::now().naive_utc();
        let result =
            services::execution::change_step(c, &catalogs, step, &submitted, &actor, today, now);
        let row = if fragment {
            Some(load_step_row(c, &catalogs, id, step_id)?)
        } else {
            None
        };
        Ok((result, row))
    })
    .await??;
    let refusal = match result {
        Ok(()) => None,
        Err(e) => Some(refused(e)?.status_and_message()),
    };
    // The in-place editor (JavaScript) gets the row back, fresh or with the refusal in it.
    if let Some((row, step_statuses)) = row {
        let (status, row) = match refusal {
            None => (StatusCode::OK, row),
            Some((status, message)) => (status, row.with_draft(&form, message)),
        };
        return render(
            status,
            &StepRowFragment {
                ctx,
                id,
                can_change: true,
                step_statuses,
                s: row,
            },
        );
    }
    // Without JavaScript: post/redirect/get back to the row, which shows the refusal with what
    // was typed (a reload never re-posts).
    let anchor = format!("/ot/{id}#paso-{step_id}");
    match refusal {
        None => flash(&Flasher::of(&request), true, "Paso actualizado."),
        Some((_, message)) => {
            let draft = StepDraft {
                step_id,
                form,
                message,
            };
            if let Err(e) = session.insert(STEP_DRAFT, draft) {
                tracing::error!(error = %e, "cannot keep the refused step's input");
            }
        }
    }
    Ok(see_other(&anchor))
}
