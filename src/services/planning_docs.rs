//! Planning documents (PTE): creation with validation. Initial OTs come from them (W2).

use chrono::NaiveDateTime;

use crate::db::catalogs::{CatalogKind, Catalogs};
use crate::db::{DbConn, activity, planning_docs, write_transaction};
use crate::domain::codes::{pte_status, record_state};
use crate::domain::input::FieldErrors;
use crate::domain::planning_doc::PteForm;
use crate::services::Actor;
use crate::services::ServiceError;

pub const TABLE: &str = "planning_docs";

/// Creates a PTE; the folio is unique among non-deleted PTEs.
#[tracing::instrument(name = "service", skip_all, fields(use_case = "planning_docs::create"))]
pub fn create(
    conn: &mut DbConn,
    form: &PteForm,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<i32, ServiceError> {
    write_transaction(conn, |c| {
        let catalogs = Catalogs::load(c)?;
        let (input, mut e) = match form.parse() {
            Ok(input) => (Some(input), FieldErrors::default()),
            Err(e) => (None, e),
        };
        // Checks that need the database: the folio is free, the catalog ids are active.
        let folio = form.oficio_pte.trim();
        if e.get("oficio_pte").is_none() && planning_docs::folio_exists(c, folio)? {
            e.add(
                "oficio_pte",
                format!("Ya existe una PTE con el folio «{folio}»."),
            );
        }
        let usable = |id: Option<i32>, kind: CatalogKind| {
            id.is_none_or(|id| catalogs.get(kind, id).is_some_and(|x| x.active))
        };
        // Every error at once: the ids are checked even when other fields are wrong.
        let posted = |raw: &str| raw.trim().parse::<i32>().ok();
        if e.get("id_cliente").is_none() && !usable(posted(&form.id_cliente), CatalogKind::Client) {
            e.add("id_cliente", "El cliente no existe o está desactivado.");
        }
        if e.get("responsable_proyecto").is_none()
            && !usable(
                posted(&form.responsable_proyecto),
                CatalogKind::ProjectManager,
            )
        {
            e.add(
                "responsable_proyecto",
                "El responsable del proyecto no existe o está desactivado.",
            );
        }
        let Some(input) = input.filter(|_| e.is_empty()) else {
            return Err(ServiceError::Invalid(e));
        };
        let (folio, description) = (input.folio.as_str(), input.description.as_str());
        let (client, pm) = (input.client_id, Some(input.project_manager_id));
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
            &actor
                .entry(now, TABLE, "crear", id)
                .detail(format!("PTE {folio} creada")),
        )?;
        Ok(id)
    })
}
