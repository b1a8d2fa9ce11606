//! Use cases: each one runs in one transaction (`db::write_transaction`) and is called by the
//! HTML routes and the JSON API alike, so every rule has one code path. Services parse input
//! through `domain`, read and write through `db`, and never see HTTP: they answer a
//! `ServiceError`, which `web::response` turns into a page, a re-rendered form or JSON.

pub mod accounts;
pub mod annexes;
pub mod catalogs;
pub mod company;
pub mod concepts;
pub mod execution;
pub mod legacy_import;
pub mod listing;
pub mod order_import;
pub mod password;
pub mod planning_docs;
pub mod schedules;
pub mod step_setup;
pub mod timeline;
pub mod work_orders;

use chrono::NaiveDateTime;

use crate::db::activity;
use crate::domain::input::FieldErrors;

/// Why a use case refused a change. Messages are Spanish and safe to show.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// Field errors (W1): status 422, the form is shown again.
    #[error("datos inválidos")]
    Invalid(FieldErrors),
    /// Only uniqueness rules were broken (W2: folio or PTE already used): 409, with the fields.
    #[error("duplicado")]
    Duplicate(FieldErrors),
    /// Someone saved first (W5), or a uniqueness rule was hit by a concurrent request: 409.
    #[error("{0}")]
    Conflict(String),
    #[error("no encontrado")]
    NotFound,
    #[error("database error")]
    Db(#[from] diesel::result::Error),
}

/// One field's error as a refusal.
pub fn invalid(field: &'static str, msg: impl Into<String>) -> ServiceError {
    let mut e = FieldErrors::default();
    e.add(field, msg);
    ServiceError::Invalid(e)
}

/// Who performs a change, for the activity log (W11).
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Option<i32>,
    pub username: String,
}

impl Actor {
    /// Changes made from the command line on the server itself.
    pub fn console() -> Actor {
        Actor {
            user_id: None,
            username: "consola".to_owned(),
        }
    }

    /// The one way to write an activity-log entry: by this actor, now, on `table`'s
    /// `record_id`; callers add the field change (`.change(field, old, new)`) or the
    /// description (`.detail(..)`), then `db::activity::record` it.
    pub fn entry(
        &self,
        now: NaiveDateTime,
        table: &str,
        action: &str,
        record_id: impl Into<Option<i32>>,
    ) -> activity::NewEntry {
        activity::NewEntry {
            at: now,
            user_id: self.user_id,
            username: self.username.clone(),
            action: action.to_owned(),
            table_name: table.to_owned(),
            record_id: record_id.into(),
            ..Default::default()
        }
    }
}
