//! The one place that turns an outcome into an HTTP answer:
//! - whether a path answers pages or JSON (`is_api_path`) and the one decision between them
//!   (`refusal`), used by the gate, the fallbacks and every handler's error;
//! - `AppError` → status + Spanish page (`ResponseError`), its cause logged once (`log_cause`);
//! - `ServiceError` → a re-rendered form (`form_outcome`), an error page (`From`) or JSON
//!   (`routes::api::service_error`), all through `refused`;
//! - redirects (`see_other`, `safe_next`).

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, ResponseError};
use askama::Template;

use crate::domain::input::FieldErrors;
use crate::error::AppError;
use crate::services::ServiceError;
use crate::web::page::{ErrorPage, PageCtx};

/// Paths whose clients expect JSON rather than pages.
pub fn is_api_path(path: &str) -> bool {
    path.starts_with("/operaciones/") || path.starts_with("/api/")
}

/// The one page-or-JSON decision for a refusal that happens outside a handler (the gate, the
/// 404/405 fallbacks, unreadable forms): JSON on API paths, a Spanish page elsewhere.
pub fn refusal(path: &str, status: StatusCode, title: &str, message: &str) -> HttpResponse {
    if is_api_path(path) {
        json_error(status, message)
    } else {
        error_page(status, title, message)
    }
}

/// A complete Spanish error page with the given status.
pub fn error_page(status: StatusCode, title: &str, message: &str) -> HttpResponse {
    let page = ErrorPage {
        ctx: PageCtx::anonymous(),
        status: status.as_u16(),
        title: title.to_owned(),
        message: message.to_owned(),
    };
    match page.render() {
        Ok(body) => HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .body(body),
        Err(e) => {
            tracing::error!(error = %e, "error page failed to render");
            HttpResponse::build(status)
                .content_type("text/plain; charset=utf-8")
                .body(message.to_owned())
        }
    }
}

/// The legacy API's `tipo_aviso`: a conflict is a warning, anything else an error.
pub fn aviso(status: StatusCode) -> &'static str {
    if status == StatusCode::CONFLICT {
        "advertencia"
    } else {
        "error"
    }
}

/// The JSON body the legacy API answers errors with (DOMAIN.md §4).
pub fn json_error(status: StatusCode, message: &str) -> HttpResponse {
    HttpResponse::build(status).json(serde_json::json!({
        "exito": false,
        "tipo_aviso": aviso(status),
        "detalles": message,
    }))
}

/// Logs the cause of an unexpected failure, once, at the edge. Users see only the Spanish
/// message.
pub fn log_cause(e: &AppError) {
    if let AppError::Internal(cause) | AppError::Unavailable(cause) = e {
        tracing::error!(error = ?cause, "request failed");
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        log_cause(self);
        error_page(self.status_code(), self.title(), &self.user_message())
    }
}

/// How a refused use case is shown to the person who asked.
#[derive(Debug)]
pub enum Refused {
    /// The form again, its fields marked: 422 for invalid input, 409 for a duplicate.
    Fields {
        status: StatusCode,
        errors: FieldErrors,
    },
    /// Someone changed the record first, or a rule on its current state says no: 409.
    Conflict(String),
}

impl Refused {
    /// For pages that show one message above their content: the status and every message.
    pub fn status_and_message(self) -> (StatusCode, String) {
        match self {
            Refused::Fields { status, errors } => (status, errors.messages().join(" ")),
            Refused::Conflict(msg) => (StatusCode::CONFLICT, msg),
        }
    }
}

/// The one mapping of a `ServiceError`: what the user can act on (`Ok`), or an error that ends
/// the request (`Err`: not found, database).
pub fn refused(e: ServiceError) -> Result<Refused, AppError> {
    match e {
        ServiceError::Invalid(errors) => Ok(Refused::Fields {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            errors,
        }),
        ServiceError::Duplicate(errors) => Ok(Refused::Fields {
            status: StatusCode::CONFLICT,
            errors,
        }),
        ServiceError::Conflict(msg) => Ok(Refused::Conflict(msg)),
        ServiceError::NotFound => Err(AppError::NotFound),
        ServiceError::Db(e) => Err(AppError::internal(e)),
    }
}

/// Where there is no form to show again: the refusal as an error page with its status.
impl From<ServiceError> for AppError {
    fn from(e: ServiceError) -> AppError {
        match refused(e) {
            Ok(Refused::Fields { status, errors }) if status == StatusCode::CONFLICT => {
                AppError::Conflict(errors.messages().join(" "))
            }
            Ok(Refused::Fields { errors, .. }) => AppError::Invalid(errors.messages().join(" ")),
            Ok(Refused::Conflict(msg)) => AppError::Conflict(msg),
            Err(e) => e,
        }
    }
}

/// A service's answer to a posted form whose page marks fields: `Ok(Ok(v))` saved,
/// `Ok(Err((status, errors)))` show the form again with its fields marked (422, or 409 for a
/// duplicate), `Err` an error page (a conflict among them).
pub fn form_outcome<T>(
    result: Result<T, ServiceError>,
) -> Result<Result<T, (StatusCode, FieldErrors)>, AppError> {
    match result {
        Ok(v) => Ok(Ok(v)),
        Err(e) => match refused(e)? {
            Refused::Fields { status, errors } => Ok(Err((status, errors))),
            Refused::Conflict(msg) => Err(AppError::Conflict(msg)),
        },
    }
}

/// 303 See Other to a local path.
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

/// A `next` target is followed only when it is a local absolute path: no scheme, no
/// protocol-relative `//host`, no backslash tricks.
pub fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.chars().any(char::is_control) =>
        {
            n
        }
        _ => "/",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_login() {
        assert_eq!(safe_next(Some("/ot?page=2")), "/ot?page=2");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn api_paths_answer_json_and_pages_answer_html() {
        let api = refusal("/operaciones/ot/editar/", StatusCode::CONFLICT, "t", "m");
        assert_eq!(
            api.headers()
                .get(header::CONTENT_TYPE)
                .map(|v| v.as_bytes()),
            Some(&b"application/json"[..])
        );
        let page = refusal("/ot/1", StatusCode::CONFLICT, "t", "m");
        assert_eq!(
            page.headers()
                .get(header::CONTENT_TYPE)
                .map(|v| v.as_bytes()),
            Some(&b"text/html; charset=utf-8"[..])
        );
        assert_eq!(aviso(StatusCode::CONFLICT), "advertencia");
        assert_eq!(aviso(StatusCode::UNPROCESSABLE_ENTITY), "error");
    }

    #[test]
    fn a_duplicate_is_a_conflict_and_invalid_input_is_422_on_an_error_page() {
        let mut errors = FieldErrors::default();
        errors.add("orden_trabajo", "Ya existe.");
        let dup = AppError::from(ServiceError::Duplicate(errors.clone()));
        assert_eq!(dup.status_code(), StatusCode::CONFLICT);
        let bad = AppError::from(ServiceError::Invalid(errors));
        assert_eq!(bad.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(bad.user_message(), "Ya existe.");
        assert!(matches!(
            AppError::from(ServiceError::NotFound),
            AppError::NotFound
        ));
    }
}
