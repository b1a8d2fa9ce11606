//! Work-order use cases: create (full form and quick creation from a PTE), edit, delete,
//! restore. The HTML routes and the JSON API both call these: every rule has one code path.
//! What create and edit share (the catalog checks, the refusal order, the stored fields) is here.

mod create;
mod delete;
mod update;

pub use create::{QuickOrder, create, quick_create};
pub use delete::{delete, restore};
pub use update::update;

use diesel::QueryResult;

use crate::db::catalogs::{CatalogKind, Catalogs};
use crate::db::work_orders::{OrderFields, WorkOrder};
use crate::db::{DbConn, planning_docs};
use crate::domain::codes::{Front, site_category};
use crate::domain::input::FieldErrors;
use crate::domain::work_order::{SearchParts, WorkOrderInput, list_year, searchable_text};
use crate::services::ServiceError;
use crate::services::timeline::OrderConflict;

/// What a create produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Created {
    pub id: i32,
    pub steps: usize,
    /// Its place and window as written, for the double-booking warning (W20).
    pub placed: crate::db::timeline::Placed,
}

/// An order saved through the form or the JSON API, and the double bookings it now makes (W20:
/// saving never fails for one; each caller words the warning). The one save sequence of both
/// paths: the catalogs are the caller's (the instance's cache), the check reads the order as
/// written.
pub fn create_checked(
    conn: &mut DbConn,
    catalogs: &Catalogs,
    form: &crate::domain::work_order::WorkOrderForm,
    actor: &crate::services::Actor,
    now: chrono::NaiveDateTime,
) -> Result<(Created, Vec<OrderConflict>), ServiceError> {
    let created = create(conn, catalogs, form, actor, now)?;
    let found = crate::services::timeline::conflicts_of(conn, &created.placed)?;
    Ok((created, found))
}

/// An edit (W5) and the double bookings the order makes after it (W20), as `create_checked`.
pub fn update_checked(
    conn: &mut DbConn,
    catalogs: &Catalogs,
    id: i32,
    form: &crate::domain::work_order::WorkOrderForm,
    actor: &crate::services::Actor,
    now: chrono::NaiveDateTime,
) -> Result<Vec<OrderConflict>, ServiceError> {
    update(conn, catalogs, id, form, actor, now)?;
    Ok(crate::services::timeline::conflicts_for(conn, id)?)
}

/// Any field error makes the whole input invalid (422, every message); only when all else is
/// right is a duplicate reported as such (409).
pub(super) fn refuse(mut errors: FieldErrors, duplicates: FieldErrors) -> Result<(), ServiceError> {
    if !errors.is_empty() {
        for (field, msg) in duplicates.0 {
            errors.add(field, msg);
        }
        return Err(ServiceError::Invalid(errors));
    }
    if !duplicates.is_empty() {
        return Err(ServiceError::Duplicate(duplicates));
    }
    Ok(())
}

/// W1: ids must exist and be active, and a site must be of its field's category. On edit, an id
/// the order already has is accepted even if deactivated since (it still displays).
pub(super) fn check_catalog_ids(
    catalogs: &Catalogs,
    input: &WorkOrderInput,
    current: Option<&WorkOrder>,
    errors: &mut FieldErrors,
) {
    let usable = |kind: CatalogKind, id: i32, kept: Option<i32>| {
        catalogs
            .get(kind, id)
            .is_some_and(|e| e.active || kept == Some(id))
    };
    if !usable(
        CatalogKind::ProjectManager,
        input.project_manager_id,
        current.map(|o| o.project_manager_id),
    ) {
        errors.add(
            "responsable_proyecto",
            "El responsable del proyecto no existe o está desactivado.",
        );
    }
    if let Some(client) = input.client_id
        && !usable(
            CatalogKind::Client,
            client,
            current.and_then(|o| o.client_id),
        )
    {
        errors.add("id_cliente", "El cliente no existe o está desactivado.");
    }
    let yard_field = if input.requires_yard {
        "id_patio_fase"
    } else {
        "id_patio"
    };
    let site_fields = [
        (
            "id_embarcacion",
            input.sites.vessel,
            site_category::VESSEL,
            "una embarcación",
            current.and_then(|o| o.vessel_site_id),
        ),
        (
            "id_plataforma",
            input.sites.platform,
            site_category::PLATFORM,
            "una plataforma",
            current.and_then(|o| o.platform_site_id),
        ),
        (
            "id_intercom",
            input.sites.intercom,
            site_category::INTERCOM,
            "un sitio intercom",
            current.and_then(|o| o.intercom_site_id),
        ),
        (
            yard_field,
            input.sites.yard,
            site_category::YARD,
            "un patio",
            current.and_then(|o| o.yard_site_id),
        ),
    ];
    for (field, site, category, what, kept) in site_fields {
        let Some(site) = site else { continue };
        match catalogs.get(CatalogKind::Site, site) {
            None => errors.add(field, "El sitio no existe."),
            Some(s) if s.group != Some(category) => {
                errors.add(field, format!("«{}» no es {what}.", s.description));
            }
            Some(s) if !s.active && kept != Some(site) => {
                errors.add(
                    field,
                    format!("El sitio «{}» está desactivado.", s.description),
                );
            }
            Some(_) => {}
        }
    }
}

/// The folio of the order's PTE, for the search text.
pub(super) fn pte_folio(c: &mut DbConn, pte: Option<i32>) -> QueryResult<String> {
    Ok(match pte {
        Some(id) => planning_docs::visible_folio(c, id)?.unwrap_or_default(),
        None => String::new(),
    })
}

/// The stored fields of a valid input.
pub(super) fn fields_of(input: &WorkOrderInput, pte_folio: &str) -> OrderFields {
    OrderFields {
        search_text: searchable_text(SearchParts {
            folio: &input.folio,
            oficio: &input.oficio,
            pte_folio,
            description: &input.description,
            client_representative: &input.client_representative,
        }),
        folio: input.folio.clone(),
        oficio: input.oficio.clone(),
        description: input.description.clone(),
        project_manager_id: input.project_manager_id,
        client_representative: input.client_representative.clone(),
        client_id: input.client_id,
        planned_start: input.planned_start,
        planned_end: input.planned_end,
        real_start: input.real_start,
        real_end: input.real_end,
        duration_days: input.duration_days,
        amount_mxn: input.amount_mxn,
        amount_usd: input.amount_usd,
        front_id: input.front.map(Front::id),
        vessel_site_id: input.sites.vessel,
        platform_site_id: input.sites.platform,
        intercom_site_id: input.sites.intercom,
        yard_site_id: input.sites.yard,
        requires_yard: input.requires_yard,
        yard_start: input.yard_start,
        yard_end: input.yard_end,
        comment: input.comment.clone(),
        list_year: list_year(&input.oficio, input.planned_start),
    }
}
