//! The one place that maps errors to a status and a Spanish page (or JSON for API paths).
//! Causes are logged once, here; users never see internals.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use askama::Template;

use crate::web::page::{ErrorPage, PageCtx};

/// Errors a handler can end with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("no encontrado")]
    NotFound,
    #[error("prohibido: {0}")]
    Forbidden(String),
    #[error("solicitud inválida: {0}")]
    BadRequest(String),
    #[error("conflicto: {0}")]
    Conflict(String),
    #[error("servicio no disponible")]
    Unavailable(#[source] anyhow::Error),
    #[error("error interno")]
    Internal(#[source] anyhow::Error),
}

impl AppError {
    /// Wraps any unexpected failure (database, pool, template) as an internal error.
    pub fn internal(err: impl Into<anyhow::Error>) -> AppError {
        AppError::Internal(err.into())
    }

    /// The Spanish sentence shown to the user.
    pub fn user_message(&self) -> String {
        match self {
            AppError::NotFound => "La página o el registro que busca no existe.".to_owned(),
            AppError::Forbidden(msg) | AppError::BadRequest(msg) | AppError::Conflict(msg) => {
                msg.clone()
            }
            AppError::Unavailable(_) => {
                "El servicio no está disponible en este momento. Intente de nuevo en unos minutos."
                    .to_owned()
            }
            AppError::Internal(_) => {
                "Ocurrió un error inesperado. Se registró para su revisión; intente de nuevo."
                    .to_owned()
            }
        }
    }

    fn title(&self) -> &'static str {
        match self {
            AppError::NotFound => "Página no encontrada",
            AppError::Forbidden(_) => "Acceso denegado",
            AppError::BadRequest(_) => "Solicitud inválida",
            AppError::Conflict(_) => "Conflicto",
            AppError::Unavailable(_) => "Servicio no disponible",
            AppError::Internal(_) => "Error del servidor",
        }
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> AppError {
        AppError::internal(e)
    }
}

impl From<diesel::r2d2::PoolError> for AppError {
    fn from(e: diesel::r2d2::PoolError) -> AppError {
        AppError::Unavailable(e.into())
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(e: actix_web::error::BlockingError) -> AppError {
        AppError::internal(e)
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> AppError {
        AppError::internal(e)
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let AppError::Internal(cause) | AppError::Unavailable(cause) = self {
            tracing::error!(error = ?cause, "request failed");
        }
        error_page(self.status_code(), self.title(), &self.user_message())
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

/// The JSON body the legacy API answers errors with.
pub fn json_error(status: StatusCode, message: &str) -> HttpResponse {
    HttpResponse::build(status).json(serde_json::json!({
        "exito": false,
        "tipo_aviso": "error",
        "detalles": message,
    }))
}

/// Paths whose clients expect JSON rather than pages.
pub fn is_api_path(path: &str) -> bool {
    path.starts_with("/operaciones/") || path.starts_with("/api/")
}

impl From<crate::orders::OrderError> for AppError {
    fn from(e: crate::orders::OrderError) -> AppError {
        use crate::orders::OrderError;
        match e {
            OrderError::NotFound => AppError::NotFound,
            OrderError::Conflict(msg) => AppError::Conflict(msg),
            OrderError::Invalid(errors) => AppError::BadRequest(errors.messages().join(" ")),
            OrderError::Duplicate(errors) => AppError::Conflict(errors.messages().join(" ")),
            OrderError::Db(e) => AppError::internal(e),
        }
    }
}
