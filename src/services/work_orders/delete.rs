//! Soft delete and restore (W7).

use chrono::NaiveDateTime;

use crate::db::work_orders::{self as repo, TABLE};
use crate::db::{self, DbConn, activity, write_transaction};
use crate::domain::codes::{RecordState, WorkOrderKind};
use crate::services::{Actor, ServiceError};

/// Soft delete (W7): the row, its steps and its history stay.
#[tracing::instrument(name = "service", skip_all, fields(use_case = "work_orders::delete::delete", id = id))]
pub fn delete(
    conn: &mut DbConn,
    id: i32,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<(), ServiceError> {
    write_transaction(conn, |c| {
        let current = repo::find_visible(c, id)?.ok_or(ServiceError::NotFound)?;
        repo::set_record_state(c, id, RecordState::Deleted.code(), actor.user_id, now)?;
        activity::record(
            c,
            &actor
                .entry(now, TABLE, "eliminar", id)
                .detail(format!("OT {} eliminada", current.folio)),
        )?;
        repo::touch_list(c)?;
        Ok(())
    })
}

/// Restores a deleted OT as active (administrators). Refused when its PTE, folio or revision
/// has been taken meanwhile.
#[tracing::instrument(name = "service", skip_all, fields(use_case = "work_orders::delete::restore", id = id))]
pub fn restore(
    conn: &mut DbConn,
    id: i32,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<(), ServiceError> {
    let result = write_transaction(conn, |c| {
        let current = repo::find(c, id)?
            .filter(|o| o.record_state == RecordState::Deleted.code())
            .ok_or(ServiceError::NotFound)?;
        if current.kind_id == WorkOrderKind::Initial.id() {
            if let Some(pte) = current.planning_doc_id
                && let Some((_, folio)) = repo::initial_for_pte(c, pte, Some(id))?
            {
                return Err(ServiceError::Conflict(format!(
                    "No se puede restaurar: su PTE ya tiene otra OT inicial ({folio})."
                )));
            }
            if repo::initial_with_folio(c, &current.folio, Some(id))?.is_some() {
                return Err(ServiceError::Conflict(format!(
                    "No se puede restaurar: ya existe otra OT inicial con el folio «{}».",
                    current.folio
                )));
            }
        }
        repo::set_record_state(c, id, RecordState::Active.code(), actor.user_id, now)?;
        activity::record(
            c,
            &actor
                .entry(now, TABLE, "restaurar", id)
                .detail(format!("OT {} restaurada", current.folio)),
        )?;
        repo::touch_list(c)?;
        Ok(())
    });
    match result {
        Err(ServiceError::Db(e)) if db::is_unique_violation(&e) => Err(ServiceError::Conflict(
            "No se puede restaurar: su número de reprogramación ya fue asignado a otra.".to_owned(),
        )),
        other => other,
    }
}
