//! Editing an OT (W5, W6): the same validation as create, optimistic concurrency, and every
//! changed field in the activity log (W11).

use chrono::NaiveDateTime;
use diesel::QueryResult;

use super::{check_catalog_ids, fields_of, pte_folio, refuse};
use crate::db::catalogs::{CatalogKind, Catalogs};
use crate::db::work_orders::{self as repo, OrderFields, TABLE, WorkOrder};
use crate::db::{DbConn, activity, write_transaction};
use crate::domain::codes::{RecordState, WorkOrderKind};
use crate::domain::format;
use crate::domain::input::FieldErrors;
use crate::domain::work_order::{Mode, WorkOrderForm};
use crate::services::{Actor, ServiceError};

/// Edits an OT (W5): same validation as create; POR DEFINIR becomes active; kind and parent stay;
/// a stale version is refused naming who saved first and when; each changed field is logged.
/// Without a version (legacy API clients) the edit applies and the log still keeps old values.
/// `catalogs` (the caller's, usually the instance's cache, read before the write lock as for a
/// create) check the chosen client, manager and sites (W3) and name them in the history.
#[tracing::instrument(name = "service", skip_all, fields(use_case = "work_orders::update::update", id = id))]
pub fn update(
    conn: &mut DbConn,
    catalogs: &Catalogs,
    id: i32,
    form: &WorkOrderForm,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<(), ServiceError> {
    write_transaction(conn, |c| {
        let current = repo::find_visible(c, id)?.ok_or(ServiceError::NotFound)?;
        let kind = WorkOrderKind::from_id(current.kind_id).ok_or_else(|| {
            ServiceError::Conflict(format!(
                "La OT tiene un tipo desconocido ({}); pida a un administrador que la revise.",
                current.kind_id
            ))
        })?;
        let mut input = form
            .parse(Mode::Edit {
                kind,
                parent_id: current.parent_id,
                planning_doc_id: current.planning_doc_id,
            })
            .map_err(ServiceError::Invalid)?;
        if let Some(v) = input.version
            && v != current.version
        {
            return Err(stale(c, &current)?);
        }
        let mut errors = FieldErrors::default();
        let mut duplicates = FieldErrors::default();
        if kind == WorkOrderKind::Reprogramming {
            // W4: a reprogramming keeps its parent's folio.
            input.folio = current.folio.clone();
        } else if repo::initial_with_folio(c, &input.folio, Some(id))?.is_some() {
            duplicates.add(
                "orden_trabajo",
                format!("Ya existe una OT inicial con el folio «{}».", input.folio),
            );
        }
        check_catalog_ids(catalogs, &input, Some(&current), &mut errors);
        refuse(errors, duplicates)?;
        let pte = pte_folio(c, current.planning_doc_id)?;
        let fields = fields_of(&input, &pte);
        let new_state = RecordState::Active.code();
        if !repo::update_if_version(
            c,
            id,
            current.version,
            &fields,
            new_state,
            actor.user_id,
            now,
        )? {
            return Err(stale(c, &current)?);
        }
        let mut changes = diff(catalogs, &current, &fields);
        if current.record_state == RecordState::ToDefine.code() {
            changes.push((
                "estatus",
                RecordState::ToDefine.label().to_owned(),
                RecordState::Active.label().to_owned(),
            ));
        }
        for (field, old, new) in changes {
            activity::record(
                c,
                &actor
                    .entry(now, TABLE, "editar", id)
                    .change(field, old, new),
            )?;
        }
        repo::touch_list(c)?;
        Ok(())
    })
}

fn stale(c: &mut DbConn, current: &WorkOrder) -> QueryResult<ServiceError> {
    let Some((at, by)) = repo::last_saved(c, current.id)? else {
        return Ok(ServiceError::NotFound);
    };
    let who = repo::updated_by_name(c, by)?;
    Ok(ServiceError::Conflict(format!(
        "{who} guardó cambios en esta OT el {}. Sus cambios no se guardaron: el formulario \
         conserva lo que usted escribió; revise los datos actuales y guarde de nuevo.",
        format::timestamp(at)
    )))
}

/// The fields that changed, with readable old and new values, for the activity log (W11).
fn diff(
    catalogs: &Catalogs,
    old: &WorkOrder,
    new: &OrderFields,
) -> Vec<(&'static str, String, String)> {
    let mut out = Vec::new();
    let mut push = |field: &'static str, a: String, b: String| {
        if a != b {
            out.push((field, a, b));
        }
    };
    let site = |id: Option<i32>| catalogs.name(CatalogKind::Site, id);
    let d = format::date;
    push("orden_trabajo", old.folio.clone(), new.folio.clone());
    push("oficio_ot", old.oficio.clone(), new.oficio.clone());
    push(
        "descripcion_trabajo",
        old.description.clone(),
        new.description.clone(),
    );
    push(
        "responsable_proyecto",
        catalogs.name(CatalogKind::ProjectManager, Some(old.project_manager_id)),
        catalogs.name(CatalogKind::ProjectManager, Some(new.project_manager_id)),
    );
    push(
        "responsable_cliente",
        old.client_representative.clone(),
        new.client_representative.clone(),
    );
    push(
        "id_cliente",
        catalogs.name(CatalogKind::Client, old.client_id),
        catalogs.name(CatalogKind::Client, new.client_id),
    );
    push(
        "id_frente",
        catalogs.name(CatalogKind::Front, old.front_id),
        catalogs.name(CatalogKind::Front, new.front_id),
    );
    push(
        "id_embarcacion",
        site(old.vessel_site_id),
        site(new.vessel_site_id),
    );
    push(
        "id_plataforma",
        site(old.platform_site_id),
        site(new.platform_site_id),
    );
    push(
        "id_intercom",
        site(old.intercom_site_id),
        site(new.intercom_site_id),
    );
    push("id_patio", site(old.yard_site_id), site(new.yard_site_id));
    let yes_no = |b: bool| if b { "Sí" } else { "No" }.to_owned();
    push(
        "check_fase_patio",
        yes_no(old.requires_yard),
        yes_no(new.requires_yard),
    );
    push("fecha_inicio_patio", d(old.yard_start), d(new.yard_start));
    push("fecha_fin_patio", d(old.yard_end), d(new.yard_end));
    push(
        "monto_mxn",
        format::money(old.amount_mxn),
        format::money(new.amount_mxn),
    );
    push(
        "monto_usd",
        format::money(old.amount_usd),
        format::money(new.amount_usd),
    );
    push(
        "fecha_inicio_programado",
        d(old.planned_start),
        d(new.planned_start),
    );
    push(
        "fecha_termino_programado",
        d(old.planned_end),
        d(new.planned_end),
    );
    push("fecha_inicio_real", d(old.real_start), d(new.real_start));
    push("fecha_termino_real", d(old.real_end), d(new.real_end));
    let days = |n: Option<i32>| n.map(|n| n.to_string()).unwrap_or_default();
    push(
        "plazo_dias",
        days(old.duration_days),
        days(new.duration_days),
    );
    push("comentario", old.comment.clone(), new.comment.clone());
    out
}
