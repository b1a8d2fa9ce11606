//! The error a handler ends with, and the Spanish words it shows. Turning it into a response
//! (a page or JSON, by path) is `web::response`'s job; causes are logged there, once.

/// Errors a handler can end with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("no encontrado")]
    NotFound,
    #[error("prohibido: {0}")]
    Forbidden(String),
    #[error("solicitud inválida: {0}")]
    BadRequest(String),
    /// Input that breaks a rule (W1–W21): 422 with every message.
    #[error("datos inválidos: {0}")]
    Invalid(String),
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
            AppError::Forbidden(msg)
            | AppError::BadRequest(msg)
            | AppError::Invalid(msg)
            | AppError::Conflict(msg) => msg.clone(),
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

    /// The title of its error page.
    pub fn title(&self) -> &'static str {
        match self {
            AppError::NotFound => "Página no encontrada",
            AppError::Forbidden(_) => "Acceso denegado",
            AppError::BadRequest(_) => "Solicitud inválida",
            AppError::Invalid(_) => "Datos inválidos",
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
