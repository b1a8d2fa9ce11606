//! Planning documents (PTE): creation with validation. Initial OTs come from them (W2).

use chrono::NaiveDateTime;
use serde::Deserialize;

use crate::db::catalogs::{Catalogs, Kind};
use crate::db::{DbConn, activity, planning_docs, write_transaction};
use crate::domain::codes::{pte_status, record_state};
use crate::domain::input::{FieldErrors, MAX_FOLIO, MAX_TEXT};
use crate::services::Actor;
use crate::services::ServiceError;

pub const TABLE: &str = "planning_docs";

/// The PTE form's raw fields.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PteForm {
    pub oficio_pte: String,
    pub descripcion_trabajo: String,
    pub id_cliente: String,
    pub responsable_proyecto: String,
}

/// Creates a PTE; the folio is unique among non-deleted PTEs.
pub fn create(
    conn: &mut DbConn,
    form: &PteForm,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<i32, ServiceError> {
    write_transaction(conn, |c| {
        let catalogs = Catalogs::load(c)?;
        let mut e = FieldErrors::default();
        let folio = form.oficio_pte.trim();
        if folio.is_empty() {
            e.add("oficio_pte", "El folio de la PTE es obligatorio.");
        } else if folio.chars().count() > MAX_FOLIO {
            e.add(
                "oficio_pte",
                format!("El folio admite como máximo {MAX_FOLIO} caracteres."),
            );
        } else if folio.chars().any(char::is_control) {
            e.add("oficio_pte", "El folio contiene caracteres no permitidos.");
        } else if planning_docs::folio_exists(c, folio)? {
            e.add(
                "oficio_pte",
                format!("Ya existe una PTE con el folio «{folio}»."),
            );
        }
        let description = form.descripcion_trabajo.trim();
        if description.is_empty() {
            e.add(
                "descripcion_trabajo",
                "La descripción del trabajo es obligatoria.",
            );
        } else if description.chars().count() > MAX_TEXT {
            e.add(
                "descripcion_trabajo",
                format!("La descripción admite como máximo {MAX_TEXT} caracteres."),
            );
        } else if description
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            e.add(
                "descripcion_trabajo",
                "La descripción contiene caracteres no permitidos.",
            );
        }
        let active_id = |raw: &str, kind: Kind| -> Result<Option<i32>, ()> {
            let raw = raw.trim();
            if raw.is_empty() {
                return Ok(None);
            }
            match raw.parse::<i32>() {
                Ok(id) if catalogs.get(kind, id).is_some_and(|x| x.active) => Ok(Some(id)),
                _ => Err(()),
            }
        };
        let client = active_id(&form.id_cliente, Kind::Client).unwrap_or_else(|()| {
            e.add("id_cliente", "El cliente no existe o está desactivado.");
            None
        });
        let pm = match active_id(&form.responsable_proyecto, Kind::ProjectManager) {
            Ok(Some(id)) => Some(id),
            Ok(None) => {
                e.add(
                    "responsable_proyecto",
                    "El responsable del proyecto es obligatorio.",
                );
                None
            }
            Err(()) => {
                e.add(
                    "responsable_proyecto",
                    "El responsable del proyecto no existe o está desactivado.",
                );
                None
            }
        };
        if !e.is_empty() {
            return Err(ServiceError::Invalid(e));
        }
        let id = planning_docs::insert(
            c,
            &planning_docs::NewPlanningDoc {
                folio,
                request_letter: "",
                description,
                client_id: client,
                project_manager_id: pm,
                status: pte_status::PENDING,
                record_state: record_state::ACTIVE,
                comment: "",
                created_at: now,
                created_by: actor.user_id,
                updated_at: now,
                updated_by: actor.user_id,
            },
        )?;
        activity::record(
            c,
            &activity::NewEntry {
                at: now,
                user_id: actor.user_id,
                username: actor.username.clone(),
                action: "crear".into(),
                table_name: TABLE.into(),
                record_id: Some(id),
                detail: Some(format!("PTE {folio} creada")),
                ..Default::default()
            },
        )?;
        Ok(id)
    })
}
