//! Legacy step endpoints: status, dates, deliverable link (W9), and the steps table.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use chrono::Utc;
use serde::Deserialize;
use serde_json::json;

use super::{Answer, app_error, either, failure, id_param, parse, require, service_error, success};
use crate::db::{steps, work_orders};
use crate::domain::execution::StepForm;
use crate::domain::format;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::services;
use crate::services::Actor;
use crate::services::ServiceError;
use crate::services::execution::StepOf;
use crate::web::AppState;
use crate::web::auth::CurrentUser;
use crate::web::blocking;

/// Applies `form` to step `step_id`, whatever order it belongs to.
async fn change(
    state: &AppState,
    user: &CurrentUser,
    step_id: i32,
    form: StepForm,
    done: &str,
) -> Result<Answer, Answer> {
    let actor = Actor::from(user);
    let today = state.clock.today();
    let caches = state.caches.clone();
    let result = blocking(state, move |c| {
        let step = steps::find(c, step_id)?.ok_or(ServiceError::NotFound)?;
        let catalogs = caches.catalogs.get(c)?;
        let step = StepOf {
            order_id: step.work_order_id,
            step_id,
        };
        let now = Utc::now().naive_utc();
        services::execution::change_step(c, &catalogs, step, &form, &actor, today, now)
    })
    .await
    .map_err(app_error)?;
    result.map_err(service_error)?;
    Ok(success(done, json!({})))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct StatusFields {
    paso_id: Option<String>,
    nuevo_estatus: String,
    comentario: Option<String>,
    fecha_entrega: Option<String>,
}

/// `POST cambiar_estatus_paso/`.
#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "api::steps::change_status")
)]
pub async fn change_status(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Bytes,
) -> Answer {
    either(
        async {
            require(&user, Role::Gestor)?;
            let f: StatusFields = parse(&body)?;
            let step = id_param(f.paso_id.as_deref(), "paso_id")?;
            let form = StepForm {
                estatus: Some(f.nuevo_estatus),
                comentario: f.comentario,
                fecha_entrega: f.fecha_entrega,
                ..StepForm::default()
            };
            change(&state, &user, step, form, "Estatus del paso actualizado").await
        }
        .await,
    )
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct DateFields {
    id_paso: Option<String>,
    fecha: String,
    tipo: String,
}

/// `POST actualizar-fecha/`: `tipo` 1 start, 2 end, 3 delivery (COMPLETADO steps only); a blank
/// date clears. An unknown `tipo` is a 400 (the legacy answered success and changed nothing).
#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "api::steps::change_date")
)]
pub async fn change_date(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Bytes,
) -> Answer {
    either(
        async {
            require(&user, Role::Gestor)?;
            let f: DateFields = parse(&body)?;
            let step = id_param(f.id_paso.as_deref(), "id_paso")?;
            let mut form = StepForm::default();
            match f.tipo.trim() {
                "1" => form.fecha_inicio = Some(f.fecha),
                "2" => form.fecha_termino = Some(f.fecha),
                // W9: `apply_step` refuses it unless the step is COMPLETADO.
                "3" => form.fecha_entrega = Some(f.fecha),
                _ => {
                    return Err(failure(
                        StatusCode::BAD_REQUEST,
                        "«tipo» debe ser 1 (inicio), 2 (término) o 3 (entrega).",
                    ));
                }
            }
            change(&state, &user, step, form, "Fecha del paso actualizada").await
        }
        .await,
    )
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct LinkFields {
    paso_id: Option<String>,
    archivo: String,
}

/// `POST guardar_archivo_ot/`: the deliverable link, http/https only.
#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "api::steps::change_link")
)]
pub async fn change_link(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Bytes,
) -> Answer {
    either(
        async {
            require(&user, Role::Gestor)?;
            let f: LinkFields = parse(&body)?;
            let step = id_param(f.paso_id.as_deref(), "paso_id")?;
            let form = StepForm {
                archivo: Some(f.archivo),
                ..StepForm::default()
            };
            change(&state, &user, step, form, "Entregable guardado").await
        }
        .await,
    )
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TableQuery {
    ot_id: Option<String>,
    draw: String,
    start: String,
    length: String,
}

/// `GET detalle/datatable/?ot_id=`: the steps of an order (DataTables protocol).
#[tracing::instrument(name = "handler", skip_all, fields(handler = "api::steps::table"))]
pub async fn table(state: web::Data<AppState>, query: web::Query<TableQuery>) -> Answer {
    either(
        async {
            let id = id_param(query.ot_id.as_deref(), "ot_id")?;
            let found = blocking(&state, move |c| -> Result<_, diesel::result::Error> {
                let Some(o) = work_orders::find_visible(c, id)? else {
                    return Ok(None);
                };
                Ok(Some((o.folio, steps::for_order(c, id)?)))
            })
            .await
            .map_err(app_error)?
            .map_err(|e| app_error(AppError::internal(e)))?;
            let Some((folio, rows)) = found else {
                return Err(failure(
                    StatusCode::NOT_FOUND,
                    "La OT no existe o fue eliminada.",
                ));
            };
            let total = rows.len();
            let start: usize = query.start.trim().parse().unwrap_or(0);
            let length: usize = match query.length.trim().parse::<i64>() {
                Ok(n) if n > 0 => usize::try_from(n).unwrap_or(100).min(1000),
                _ => 1000,
            };
            let data: Vec<_> = rows
                .iter()
                .skip(start)
                .take(length)
                .map(|s| {
                    json!({
                        "id": s.id,
                        "orden": s.sort_order,
                        "desc_paso": s.description,
                        "estatus_paso": s.status_id,
                        "estatus_texto": s.status_name,
                        "fecha_entrega": format::date(s.delivery_date),
                        "fecha_inicio": format::date(s.start_date),
                        "fecha_termino": format::date(s.end_date),
                        "comentario": s.comment,
                        "archivo": s.link,
                        "oficio_ot": folio,
                        "id_ot": id,
                    })
                })
                .collect();
            let draw: i64 = query.draw.trim().parse().unwrap_or(0);
            Ok(HttpResponse::Ok().json(json!({
                "draw": draw,
                "recordsTotal": total,
                "recordsFiltered": total,
                "data": data,
            })))
        }
        .await,
    )
}
