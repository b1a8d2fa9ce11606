//! `GET /ot/estatus-lote`: the status change of the rows ticked in the list, confirmed on its own
//! page; `POST /ot/estatus-lote`: applies it (W8) to each order with one comment, each order in
//! its own transaction, and says which changed and which were refused and why.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::Utc;
use serde::Deserialize;

use super::{MAX_SELECTED, apply_selection, list::ListQuery};
use crate::db::work_orders;
use crate::domain::execution::StatusForm;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::services::{self, Actor};
use crate::web::AppState;
use crate::web::auth::{CurrentUser, SeenVersions};
use crate::web::blocking;
use crate::web::page::{Flasher, PageCtx, flash, render};
use crate::web::response::{refused, see_other};

/// One order of the batch.
pub struct BatchOrder {
    pub id: i32,
    pub folio: String,
    pub status: String,
}

#[derive(Template)]
#[template(path = "work_orders/bulk_status.html")]
struct BatchPage {
    ctx: PageCtx,
    orders: Vec<BatchOrder>,
    statuses: Vec<(i32, String)>,
}

/// `GET /ot/estatus-lote?seleccion=1&ids=…`: the ticked orders and the change to make.
#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "work_orders::bulk_status::confirm")
)]
pub async fn confirm(
    state: web::Data<AppState>,
    ctx: PageCtx,
    user: CurrentUser,
    request: HttpRequest,
    query: web::Query<ListQuery>,
    seen: SeenVersions,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Gestor)?;
    let today = state.clock.today();
    let mut filter = query.into_inner().to_filter(today, false);
    apply_selection(&request, &mut filter)?;
    if filter.ids.is_none() {
        return Err(AppError::Invalid(
            "Marque al menos una orden en la lista.".to_owned(),
        ));
    }
    filter.offset = 0;
    filter.limit = i64::try_from(MAX_SELECTED).unwrap_or(100);
    let caches = state.caches.clone();
    let (orders, statuses) = blocking(&state, move |c| -> Result<_, AppError> {
        let catalogs = caches.catalogs.get_seen(c, seen.snapshot())?;
        let mut filter = filter;
        filter.match_names(&catalogs);
        let (_, listed) = work_orders::list(c, &filter, |c, f| caches.counts.count(c, f))?;
        let statuses = catalogs
            .ot_statuses()
            .into_iter()
            .map(|e| (e.id, e.description.clone()))
            .collect::<Vec<_>>();
        let orders = listed
            .into_iter()
            .map(|l| BatchOrder {
                id: l.order.id,
                folio: l.order.folio.clone(),
                status: l.status_name,
            })
            .collect::<Vec<_>>();
        Ok((orders, statuses))
    })
    .await??;
    render(
        StatusCode::OK,
        &BatchPage {
            ctx,
            orders,
            statuses,
        },
    )
}

/// The batch as posted.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct BatchForm {
    /// The order ids, comma-separated.
    pub ids: String,
    pub estatus: String,
    pub comentario: String,
    pub fecha_entrega: String,
}

/// `POST /ot/estatus-lote`: one status and one comment for every order of the batch (W8 for
/// each: POR DEFINIR orders and unknown statuses are refused, the comment goes to each
/// history). Back to the list with what happened.
#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "work_orders::bulk_status::apply")
)]
pub async fn apply(
    state: web::Data<AppState>,
    flasher: Flasher,
    user: CurrentUser,
    form: web::Form<BatchForm>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Gestor)?;
    let form = form.into_inner();
    let ids: Vec<i32> = form
        .ids
        .split(',')
        .filter_map(|v| v.trim().parse().ok())
        .filter(|id: &i32| *id > 0)
        .take(MAX_SELECTED)
        .collect();
    if ids.is_empty() {
        return Err(AppError::Invalid(
            "Marque al menos una orden en la lista.".to_owned(),
        ));
    }
    let actor = Actor::from(&user);
    let today = state.clock.today();
    let change = StatusForm {
        estatus: form.estatus,
        comentario: form.comentario,
        fecha_entrega: form.fecha_entrega,
        version: String::new(),
        volver: String::new(),
    };
    let caches = state.caches.clone();
    let outcomes = blocking(&state, move |c| -> Result<_, AppError> {
        let catalogs = caches.catalogs.get(c)?;
        let mut outcomes = Vec::new();
        for id in ids {
            let folio = work_orders::find_visible(c, id)?.map(|o| o.folio);
            let result = services::execution::change_status(
                c,
                &catalogs,
                id,
                &change,
                &actor,
                today,
                Utc::now().naive_utc(),
            );
            outcomes.push((folio.unwrap_or_else(|| format!("#{id}")), result));
        }
        Ok(outcomes)
    })
    .await??;
    let mut changed = 0;
    let mut refusals = Vec::new();
    for (folio, result) in outcomes {
        match result {
            Ok(()) => changed += 1,
            Err(e) => {
                let (_, message) = refused(e)?.status_and_message();
                refusals.push(format!("{folio}: {message}"));
            }
        }
    }
    let text = if refusals.is_empty() {
        format!("Estatus cambiado en {changed} OT.")
    } else {
        format!(
            "Estatus cambiado en {changed} OT; no en {}: {}",
            refusals.len(),
            refusals.join(" · ")
        )
    };
    flash(&flasher, refusals.is_empty(), text);
    Ok(see_other("/ot"))
}
