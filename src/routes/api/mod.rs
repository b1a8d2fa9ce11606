//! The legacy JSON API under `/operaciones/ot/` (DOMAIN.md §4): legacy paths, parameter names and
//! keys, on the same services as the HTML forms. Mutations answer
//! `{"exito", "tipo_aviso", "detalles"}` (+ `id_nuevo`, + `errores` on 422) with an honest status.

// Handlers answer early with a ready JSON response as the error: boxing it buys nothing here.
#![expect(
    clippy::result_large_err,
    reason = "handlers answer early with a ready JSON response as the error: boxing it buys nothing"
)]

pub mod datatable;
pub mod openapi;
pub mod orders;
pub mod schedules;
pub mod steps;

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::domain::input::FieldErrors;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::services::ServiceError;
use crate::web::auth::CurrentUser;
use crate::web::response::{Refused, aviso, json_error, log_cause, refused};

/// A JSON answer, success or not: handlers return it whatever happened.
pub type Answer = HttpResponse;

pub fn success(detalles: &str, extra: Value) -> Answer {
    let mut body = json!({"exito": true, "tipo_aviso": "exito", "detalles": detalles});
    if let (Some(b), Value::Object(extra)) = (body.as_object_mut(), extra) {
        b.extend(extra);
    }
    HttpResponse::Ok().json(body)
}

/// A success that comes with a warning (W20: the OT was saved, but it double-books a site):
/// `tipo_aviso: "advertencia"` with `traslapes`.
pub fn success_with_conflicts(
    detalles: &str,
    extra: Value,
    conflicts: &[crate::services::timeline::OrderConflict],
    catalogs: &crate::db::catalogs::Catalogs,
) -> Answer {
    let Some(warning) = crate::web::conflicts::warning(conflicts, catalogs) else {
        return success(detalles, extra);
    };
    let mut body = json!({
        "exito": true,
        "tipo_aviso": "advertencia",
        "detalles": format!("{detalles}. {warning}"),
        "traslapes": crate::web::conflicts::json_list(conflicts, catalogs),
    });
    if let (Some(b), Value::Object(extra)) = (body.as_object_mut(), extra) {
        b.extend(extra);
    }
    HttpResponse::Ok().json(body)
}

/// An error answer: `{"exito": false, "tipo_aviso", "detalles"}` with an honest status.
pub fn failure(status: StatusCode, detalles: &str) -> Answer {
    json_error(status, detalles)
}

/// A refused change with its fields: `errores` maps each field to its message.
fn invalid(status: StatusCode, errors: &FieldErrors) -> Answer {
    let errores: serde_json::Map<String, Value> = errors
        .0
        .iter()
        .map(|(k, v)| ((*k).to_owned(), Value::String(v.clone())))
        .collect();
    HttpResponse::build(status).json(json!({
        "exito": false,
        "tipo_aviso": aviso(status),
        "detalles": errors.messages().join(" "),
        "errores": errores,
    }))
}

/// A refused use case as JSON, through the same mapping as the pages (`web::response::refused`).
pub fn service_error(e: ServiceError) -> Answer {
    match refused(e) {
        Ok(Refused::Fields { status, errors }) => invalid(status, &errors),
        Ok(Refused::Conflict(msg)) => failure(StatusCode::CONFLICT, &msg),
        Err(AppError::NotFound) => failure(
            StatusCode::NOT_FOUND,
            "La OT o el paso no existe o fue eliminado.",
        ),
        Err(e) => app_error(e),
    }
}

/// An unexpected error (pool, database) without leaking it; its cause is logged once.
pub fn app_error(e: AppError) -> Answer {
    use actix_web::ResponseError;
    log_cause(&e);
    failure(e.status_code(), &e.user_message())
}

/// The role guard, answering JSON.
pub fn require(user: &CurrentUser, role: Role) -> Result<(), Answer> {
    user.require(role).map_err(app_error)
}

/// Parses an urlencoded body into `T`; 400 when it is not one.
pub fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, Answer> {
    serde_urlencoded::from_bytes(body).map_err(|_| {
        failure(
            StatusCode::BAD_REQUEST,
            "Los datos enviados no tienen el formato esperado (application/x-www-form-urlencoded).",
        )
    })
}

/// A required positive id parameter; 400 when missing or not a number.
pub fn id_param(raw: Option<&str>, name: &str) -> Result<i32, Answer> {
    raw.map(str::trim)
        .and_then(|v| v.parse::<i32>().ok())
        .filter(|v| *v > 0)
        .ok_or_else(|| {
            failure(
                StatusCode::BAD_REQUEST,
                &format!("Falta el parámetro «{name}» o no es un número."),
            )
        })
}

/// Runs a query closure on the blocking pool; any failure becomes a JSON 500/503 without internals.
pub async fn run_query<T, F>(state: &crate::web::AppState, f: F) -> Result<T, Answer>
where
    T: Send + 'static,
    F: FnOnce(&mut crate::db::DbConn) -> diesel::QueryResult<T> + Send + 'static,
{
    crate::web::blocking(state, f)
        .await
        .map_err(app_error)?
        .map_err(|e| app_error(AppError::internal(e)))
}

/// Unwraps a handler body that answers early with `Err(answer)`.
pub fn either(result: Result<Answer, Answer>) -> Answer {
    result.unwrap_or_else(|answer| answer)
}
