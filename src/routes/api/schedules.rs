//! Legacy schedule endpoints (W18): `ot/importar-mpp/` (now MSPDI XML or an Excel task list,
//! answering `version_id`) and `produccion/obtener_arbol_mpp/` (the active version's tree with
//! the legacy keys, plus real, client and planned %).

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use chrono::Utc;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{Answer, app_error, either, failure, id_param, require, run_query, success};
use crate::domain::format;
use crate::domain::role::Role;
use crate::domain::schedule::{PROBLEMS_SHOWN, Problem};
use crate::services::Actor;
use crate::services::schedules::{self as service, ImportError, MAX_FILE_BYTES, Snapshot};
use crate::web::auth::CurrentUser;
use crate::web::{AppState, blocking, upload};

fn refused(problems: &[Problem]) -> Answer {
    let listed: Vec<String> = problems
        .iter()
        .take(PROBLEMS_SHOWN)
        .map(Problem::text)
        .collect();
    let detalles = if problems.len() == 1 {
        format!("No se importó nada. {}", listed.join(""))
    } else {
        format!(
            "No se importó nada: el archivo tiene {} problemas. {}",
            problems.len(),
            listed.first().cloned().unwrap_or_default()
        )
    };
    HttpResponse::UnprocessableEntity().json(json!({
        "exito": false,
        "tipo_aviso": "error",
        "detalles": detalles,
        "problemas": listed,
        "total_problemas": problems.len(),
    }))
}

/// `POST /operaciones/ot/importar-mpp/` (multipart: `ot_id`, `archivo`).
#[tracing::instrument(name = "handler", skip_all, fields(handler = "api::schedules::import"))]
pub async fn import(state: web::Data<AppState>, user: CurrentUser, form: Multipart) -> Answer {
    either(import_inner(&state, &user, form).await)
}

async fn import_inner(
    state: &AppState,
    user: &CurrentUser,
    form: Multipart,
) -> Result<Answer, Answer> {
    require(user, Role::Gestor)?;
    let missing = "Falta el archivo del programa («archivo»: .xml de MS Project o .xlsx).";
    let posted = upload::read(form, "archivo", MAX_FILE_BYTES, missing)
        .await
        .map_err(|m| failure(StatusCode::BAD_REQUEST, &m))?;
    let id = id_param(posted.fields.get("ot_id").map(String::as_str), "ot_id")?;
    let actor = Actor::from(user);
    let today = state.clock.today();
    let result = blocking(state, move |c| {
        service::import(
            c,
            id,
            &posted.file_name,
            &posted.bytes,
            &actor,
            Utc::now().naive_utc(),
            today,
        )
    })
    .await
    .map_err(app_error)?;
    match result {
        Ok(o) => Ok(success(
            &o.message(),
            json!({"version_id": o.version_id, "version": o.number}),
        )),
        Err(ImportError::Refused(problems)) => Err(refused(&problems)),
        Err(ImportError::NotFound) => Err(failure(
            StatusCode::NOT_FOUND,
            "La OT no existe o fue eliminada.",
        )),
        Err(ImportError::Db(e)) => Err(app_error(crate::error::AppError::internal(e))),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TreeQuery {
    ot_id: Option<String>,
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

fn node(snap: &Snapshot, i: usize) -> Value {
    let children = snap.tree.children(i);
    let t = &snap.tasks[i];
    #[expect(clippy::cast_precision_loss, reason = "weights are far below 2^53")]
    let weight = t.weight.map_or(0.0, |w| w as f64 / 1e6);
    json!({
        "wbs": t.wbs,
        "nombre": t.name,
        "fecha_inicio": format::date(Some(t.start)),
        "fecha_fin": format::date(Some(t.finish)),
        "duracion_dias": round2(t.days(snap.version.minutes_per_day)),
        "porcentaje_mpp": round2(weight),
        "porcentaje_completado": round2(f64::from(t.percent_complete) / 100.0),
        "porcentaje_real": round2(snap.real[i]),
        "porcentaje_cliente": round2(snap.client[i]),
        "porcentaje_planeado": round2(snap.planned[i]),
        "recursos": t.resources,
        "uid_project": t.uid,
        "id_project": t.id,
        "padre_uid": t.parent_uid,
        "es_resumen": !children.is_empty(),
        "hito": t.milestone,
        "critica": t.critical,
        "_attributes": {"expanded": true},
        "_children": children.iter().map(|&c| node(snap, c)).collect::<Vec<_>>(),
    })
}

/// `GET /operaciones/produccion/obtener_arbol_mpp/?ot_id=`
#[tracing::instrument(name = "handler", skip_all, fields(handler = "api::schedules::tree"))]
pub async fn tree(state: web::Data<AppState>, query: web::Query<TreeQuery>) -> Answer {
    let error = |status: StatusCode, mensaje: &str| {
        HttpResponse::build(status).json(json!({"estatus": "error", "mensaje": mensaje}))
    };
    let Some(id) = query
        .ot_id
        .as_deref()
        .and_then(|v| v.trim().parse::<i32>().ok())
        .filter(|v| *v > 0)
    else {
        return error(
            StatusCode::BAD_REQUEST,
            "Falta el parámetro «ot_id» o no es un número.",
        );
    };
    let today = state.clock.today();
    let loaded = run_query(&state, move |c| {
        if crate::db::work_orders::find_visible(c, id)?.is_none() {
            return Ok(None);
        }
        Snapshot::active(c, id, today).map(|s| Some(s.ok_or(())))
    })
    .await;
    let snap = match loaded {
        Ok(Some(Ok(s))) => s,
        Ok(Some(Err(()))) => {
            return error(StatusCode::NOT_FOUND, "La OT no tiene programa activo.");
        }
        Ok(None) => return error(StatusCode::NOT_FOUND, "La OT no existe o fue eliminada."),
        Err(answer) => return answer,
    };
    let data: Vec<Value> = snap.tree.roots().iter().map(|&r| node(&snap, r)).collect();
    HttpResponse::Ok().json(json!({
        "estatus": "ok",
        "version": snap.version.number,
        "avance_fisico": round2(snap.overall_real),
        "avance_cliente": round2(snap.overall_client),
        "data": data,
    }))
}
