//! Legacy work-order endpoints.

use actix_web::http::StatusCode;
use actix_web::web;
use chrono::Utc;
use serde::Deserialize;
use serde_json::json;

use super::{
    Answer, app_error, either, failure, id_param, parse, require, run_query, service_error,
    success, success_with_conflicts,
};
use crate::db::catalogs::Catalogs;
use crate::db::work_orders as repo;
use crate::domain::codes::record_state;
use crate::domain::execution::StatusForm;
use crate::domain::format;
use crate::domain::progress::Progress;
use crate::domain::role::Role;
use crate::domain::step_rule;
use crate::domain::work_order::{WorkOrderForm, quick_kind};
use crate::error::AppError;
use crate::services;
use crate::services::{Actor, ServiceError};
use crate::web::AppState;
use crate::web::auth::CurrentUser;
use crate::web::blocking;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct IdField {
    id: Option<String>,
}

/// `POST crear-ot-reprogramacion/`: create (W1–W4, W6), answers `id_nuevo`.
#[tracing::instrument(name = "handler", skip_all, fields(handler = "api::orders::create"))]
pub async fn create(state: web::Data<AppState>, user: CurrentUser, body: web::Bytes) -> Answer {
    either(
        async {
            require(&user, Role::Gestor)?;
            let form: WorkOrderForm = parse(&body)?;
            let actor = Actor::from(&user);
            let caches = state.caches.clone();
            let result = blocking(&state, move |c| {
                let catalogs = caches.catalogs.get(c)?;
                let now = Utc::now().naive_utc();
                let (created, found) =
                    services::work_orders::create_checked(c, &catalogs, &form, &actor, now)?;
                Ok::<_, ServiceError>((created, (found, catalogs)))
            })
            .await
            .map_err(app_error)?;
            let (created, (found, catalogs)) = result.map_err(service_error)?;
            Ok(success_with_conflicts(
                &format!("OT creada correctamente con {} pasos", created.steps),
                json!({"id_nuevo": created.id}),
                &found,
                &catalogs,
            ))
        }
        .await,
    )
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct QuickForm {
    pte_id: Option<String>,
    oficio: String,
    tipo_ot: String,
    ot_principal: String,
}

/// `POST crear-desde-pte/`: quick creation of a POR DEFINIR order from a PTE (W2).
#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "api::orders::quick_create")
)]
pub async fn quick_create(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: web::Bytes,
) -> Answer {
    either(
        async {
            require(&user, Role::Gestor)?;
            let form: QuickForm = parse(&body)?;
            let pte = id_param(form.pte_id.as_deref(), "pte_id")?;
            let kind =
                quick_kind(&form.tipo_ot).map_err(|e| service_error(ServiceError::Invalid(e)))?;
            let parent = form.ot_principal.trim().parse::<i32>().ok();
            let actor = Actor::from(&user);
            let caches = state.caches.clone();
            let result = blocking(&state, move |c| {
                let catalogs = caches.catalogs.get(c)?;
                let quick = services::work_orders::QuickOrder {
                    pte_id: pte,
                    kind,
                    folio: &form.oficio,
                    parent_id: parent,
                };
                services::work_orders::quick_create(
                    c,
                    &catalogs,
                    quick,
                    &actor,
                    Utc::now().naive_utc(),
                )
            })
            .await
            .map_err(app_error)?;
            let created = result.map_err(service_error)?;
            Ok(success(
                "OT creada POR DEFINIR desde la PTE",
                json!({"id_nuevo": created.id, "registro_id": created.id}),
            ))
        }
        .await,
    )
}

/// `POST editar/`: edit (W5). `version` is checked when sent (409 when stale).
#[tracing::instrument(name = "handler", skip_all, fields(handler = "api::orders::edit"))]
pub async fn edit(state: web::Data<AppState>, user: CurrentUser, body: web::Bytes) -> Answer {
    either(
        async {
            require(&user, Role::Gestor)?;
            let IdField { id } = parse(&body)?;
            let id = id_param(id.as_deref(), "id")?;
            let form: WorkOrderForm = parse(&body)?;
            let actor = Actor::from(&user);
            let caches = state.caches.clone();
            let result = blocking(&state, move |c| {
                let catalogs = caches.catalogs.get(c)?;
                let now = Utc::now().naive_utc();
                let found =
                    services::work_orders::update_checked(c, &catalogs, id, &form, &actor, now)?;
                Ok::<_, ServiceError>((found, catalogs))
            })
            .await
            .map_err(app_error)?;
            let (found, catalogs) = result.map_err(service_error)?;
            Ok(success_with_conflicts(
                "OT actualizada correctamente",
                json!({}),
                &found,
                &catalogs,
            ))
        }
        .await,
    )
}

/// `POST eliminar/`: soft delete (W7).
#[tracing::instrument(name = "handler", skip_all, fields(handler = "api::orders::delete"))]
pub async fn delete(state: web::Data<AppState>, user: CurrentUser, body: web::Bytes) -> Answer {
    either(
        async {
            require(&user, Role::Gestor)?;
            let IdField { id } = parse(&body)?;
            let id = id_param(id.as_deref(), "id")?;
            let actor = Actor::from(&user);
            let result = blocking(&state, move |c| {
                services::work_orders::delete(c, id, &actor, Utc::now().naive_utc())
            })
            .await
            .map_err(app_error)?;
            result.map_err(service_error)?;
            Ok(success("OT eliminada correctamente", json!({})))
        }
        .await,
    )
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct StatusFields {
    ot_id: Option<String>,
    nuevo_estatus_id: String,
    comentario: String,
    fecha_entrega: String,
    version: String,
}

/// `POST cambiar_estatus_ot/` (W8).
#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "api::orders::change_status")
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
            let id = id_param(f.ot_id.as_deref(), "ot_id")?;
            let form = StatusForm {
                estatus: f.nuevo_estatus_id,
                comentario: f.comentario,
                fecha_entrega: f.fecha_entrega,
                version: f.version,
                volver: String::new(),
            };
            let actor = Actor::from(&user);
            let today = state.clock.today();
            let caches = state.caches.clone();
            let result = blocking(&state, move |c| {
                let catalogs = caches.catalogs.get(c)?;
                let now = Utc::now().naive_utc();
                services::execution::change_status(c, &catalogs, id, &form, &actor, today, now)
            })
            .await
            .map_err(app_error)?;
            result.map_err(service_error)?;
            Ok(success("Estatus de la OT actualizado", json!({})))
        }
        .await,
    )
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct IdQuery {
    id: Option<String>,
    ot_id: Option<String>,
    frente_id: Option<String>,
}

/// `obtener_datos/`'s answer: `{"exito": true, "datos": {…}}`.
#[derive(serde::Serialize)]
struct DataAnswer<'a> {
    exito: bool,
    datos: OrderData<'a>,
}

/// One order as the legacy `obtener_datos/` sends it (the legacy keys; dates ISO or null),
/// serialized as it is rather than built as a `json!` map of 32 keys (as `datatable/`'s rows).
#[derive(serde::Serialize)]
struct OrderData<'a> {
    id: i32,
    id_tipo_id: i32,
    id_frente: Option<i32>,
    id_embarcacion: Option<i32>,
    id_plataforma: Option<i32>,
    id_intercom: Option<i32>,
    id_cliente: Option<i32>,
    id_patio: Option<i32>,
    descripcion_tipo: &'static str,
    estatus_ot: i32,
    responsable_proyecto: i32,
    responsable_cliente: &'a str,
    id_pte_id: Option<i32>,
    pte_padre: &'a str,
    oficio_ot: &'a str,
    estatus: i32,
    orden_trabajo: &'a str,
    descripcion_trabajo: &'a str,
    fecha_inicio_programado: Option<String>,
    fecha_inicio_real: Option<String>,
    fecha_termino_programado: Option<String>,
    fecha_termino_real: Option<String>,
    comentario: &'a str,
    ot_principal: Option<i32>,
    num_reprogramacion: Option<i32>,
    monto_mxn: String,
    monto_usd: String,
    plazo_dias: Option<i32>,
    requiere_patio: bool,
    fecha_inicio_patio: Option<String>,
    fecha_fin_patio: Option<String>,
    version: i32,
}

/// `GET obtener_datos/?id=`: the order for the edit dialog, with its `version`.
#[tracing::instrument(name = "handler", skip_all, fields(handler = "api::orders::data"))]
pub async fn data(state: web::Data<AppState>, query: web::Query<IdQuery>) -> Answer {
    either(
        async {
            let id = id_param(query.id.as_deref(), "id")?;
            // The order and its PTE's folio (unless that PTE is deleted) in one query.
            let found = blocking(&state, move |c| {
                repo::find_with_pte_folio(c, id)
                    .map(|f| f.filter(|(o, _)| o.record_state != record_state::DELETED))
            })
            .await
            .map_err(app_error)?
            .map_err(|e| app_error(AppError::internal(e)))?;
            let Some((o, pte)) = found else {
                return Err(failure(
                    StatusCode::NOT_FOUND,
                    "La OT no existe o fue eliminada.",
                ));
            };
            let opt = |d: Option<chrono::NaiveDate>| d.map(|d| format::date_iso(Some(d)));
            let datos = OrderData {
                id: o.id,
                id_tipo_id: o.kind_id,
                id_frente: o.front_id,
                id_embarcacion: o.vessel_site_id,
                id_plataforma: o.platform_site_id,
                id_intercom: o.intercom_site_id,
                id_cliente: o.client_id,
                id_patio: o.yard_site_id,
                descripcion_tipo: step_rule::kind_name(o.kind_id),
                estatus_ot: o.status_id,
                responsable_proyecto: o.project_manager_id,
                responsable_cliente: &o.client_representative,
                id_pte_id: o.planning_doc_id,
                pte_padre: pte.as_deref().unwrap_or_default(),
                oficio_ot: &o.oficio,
                estatus: o.record_state,
                orden_trabajo: &o.folio,
                descripcion_trabajo: &o.description,
                fecha_inicio_programado: opt(o.planned_start),
                fecha_inicio_real: opt(o.real_start),
                fecha_termino_programado: opt(o.planned_end),
                fecha_termino_real: opt(o.real_end),
                comentario: &o.comment,
                ot_principal: o.parent_id,
                num_reprogramacion: o.revision,
                monto_mxn: format::money_plain(o.amount_mxn),
                monto_usd: format::money_plain(o.amount_usd),
                plazo_dias: o.duration_days,
                requiere_patio: o.requires_yard,
                fecha_inicio_patio: opt(o.yard_start),
                fecha_fin_patio: opt(o.yard_end),
                version: o.version,
            };
            Ok(actix_web::HttpResponse::Ok().json(DataAnswer { exito: true, datos }))
        }
        .await,
    )
}

/// `GET obtener_ot_iniciales/`: the newest 1,000 non-deleted initial orders (legacy returned all).
#[tracing::instrument(name = "handler", skip_all, fields(handler = "api::orders::initials"))]
pub async fn initials(state: web::Data<AppState>) -> Answer {
    either(
        async {
            let rows = run_query(&state, |c| repo::recent_initials_with_description(c, 1000)).await?;
            let list: Vec<_> = rows
                .into_iter()
                .map(|(id, folio, description, oficio)| {
                    json!({"id": id, "orden_trabajo": folio, "descripcion_trabajo": description, "oficio_ot": oficio})
                })
                .collect();
            Ok(actix_web::HttpResponse::Ok().json(list))
        }
        .await,
    )
}

/// `GET obtener_sitios_frente/?frente_id=` (a site category) and `GET obtener_sitios/` (all):
/// active sites as `[{id, descripcion}]`.
#[tracing::instrument(name = "handler", skip_all, fields(handler = "api::orders::sites"))]
pub async fn sites(state: web::Data<AppState>, query: web::Query<IdQuery>) -> Answer {
    either(
        async {
            let category = match query.frente_id.as_deref() {
                None => None,
                raw => Some(id_param(raw, "frente_id")?),
            };
            let catalogs = run_query(&state, Catalogs::load).await?;
            let list: Vec<_> = catalogs
                .sites
                .iter()
                .filter(|s| s.active && category.is_none_or(|c| s.group == Some(c)))
                .map(|s| json!({"id": s.id, "descripcion": s.description}))
                .collect();
            Ok(actix_web::HttpResponse::Ok().json(list))
        }
        .await,
    )
}

/// `GET obtener_progreso_general_ot/?ot_id=` (W10, the same computation as the pages).
#[tracing::instrument(name = "handler", skip_all, fields(handler = "api::orders::progress"))]
pub async fn progress(state: web::Data<AppState>, query: web::Query<IdQuery>) -> Answer {
    either(
        async {
            let id = id_param(query.ot_id.as_deref(), "ot_id")?;
            let today = state.clock.today();
            let found = blocking(&state, move |c| -> Result<_, diesel::result::Error> {
                // The order and its step counts in one query; a deleted order is not found (W7).
                Ok(repo::find_with_counts(c, id)?
                    .filter(|(o, _, _)| o.record_state != record_state::DELETED)
                    .map(|(o, _, counts)| (o, counts)))
            })
            .await
            .map_err(app_error)?
            .map_err(|e| app_error(AppError::internal(e)))?;
            let Some((o, counts)) = found else {
                return Err(failure(
                    StatusCode::NOT_FOUND,
                    "La OT no existe o fue eliminada.",
                ));
            };
            let p = Progress::compute(o.planned_start, o.planned_end, o.real_start, counts, today);
            Ok(actix_web::HttpResponse::Ok().json(json!({
                "exito": true,
                "ot_id": id,
                "progreso": p.combined,
                "progreso_pasos": p.step_percent,
                "pasos_completados": counts.completed,
                "total_pasos": counts.applicable,
                "dias_transcurridos": p.time.elapsed_days,
                "plazo_total": p.time.total_days,
                "dias_transcurridos_real": p.time_real.elapsed_days,
                "plazo_total_real": p.time_real.total_days,
                "progreso_tiempo": p.time.percent,
                "dias_restantes": p.time.remaining_days,
            })))
        }
        .await,
    )
}
