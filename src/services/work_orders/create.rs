//! Creating an OT: from the full form (W1–W4, W6) or quickly from its PTE (W2), with its steps
//! (W3), in one transaction.

use chrono::NaiveDateTime;

use super::{Created, check_catalog_ids, fields_of, pte_folio, refuse};
use crate::db::catalogs::Catalogs;
use crate::db::timeline::Placed;
use crate::db::work_orders::{self as repo, CreateFields, TABLE};
use crate::db::{self, DbConn, activity, planning_docs, steps, templates, write_transaction};
use crate::domain::codes::{RecordState, WorkOrderKind, ot_status};
use crate::domain::input::FieldErrors;
use crate::domain::step_rule::pick_template_set;
use crate::domain::work_order::{Mode, WorkOrderForm, WorkOrderInput};
use crate::services::{Actor, ServiceError, invalid};

/// Creates an OT from the full form (W1–W4, W6): an active order and its steps, in one
/// transaction.
#[tracing::instrument(
    name = "service",
    skip_all,
    fields(use_case = "work_orders::create::create")
)]
pub fn create(
    conn: &mut DbConn,
    catalogs: &Catalogs,
    form: &WorkOrderForm,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<Created, ServiceError> {
    let (form, mut unknown) = resolve_folios(conn, form)?;
    let input = match form.parse(Mode::Create) {
        Ok(input) if unknown.is_empty() => input,
        Ok(_) => return Err(ServiceError::Invalid(unknown)),
        Err(e) => {
            unknown.merge(e);
            return Err(ServiceError::Invalid(unknown));
        }
    };
    insert_with_retry(conn, catalogs, &input, RecordState::Active, actor, now)
}

/// The HTML form's pickers post folios (issue 12 §8: typed, or chosen from the suggestions of
/// `/ot/opciones/…`); the JSON API posts ids. A folio names the non-deleted PTE, or the
/// non-deleted initial order, that has it; an unknown folio is an error on its field.
fn resolve_folios(
    conn: &mut DbConn,
    form: &WorkOrderForm,
) -> diesel::QueryResult<(WorkOrderForm, FieldErrors)> {
    let mut form = form.clone();
    let mut unknown = FieldErrors::default();
    let pte = form.folio_pte.trim().to_owned();
    if !pte.is_empty() {
        match planning_docs::visible_id_by_folio(conn, &pte)? {
            Some(id) => form.id_pte = id.to_string(),
            None => {
                form.id_pte.clear();
                unknown.add("id_pte", format!("No hay una PTE con el folio «{pte}»."));
            }
        }
    }
    let parent = form.folio_principal.trim().to_owned();
    if !parent.is_empty() {
        match repo::initial_with_folio(conn, &parent, None)? {
            Some(id) => form.ot_principal = id.to_string(),
            None => {
                form.ot_principal.clear();
                unknown.add(
                    "ot_principal",
                    format!("No hay una OT inicial con el folio «{parent}»."),
                );
            }
        }
    }
    Ok((form, unknown))
}

/// What a quick creation from a PTE (W2) is given.
#[derive(Debug, Clone, Copy)]
pub struct QuickOrder<'a> {
    pub pte_id: i32,
    pub kind: WorkOrderKind,
    /// The new initial order's folio (a reprogramming takes its parent's).
    pub folio: &'a str,
    /// The initial order a reprogramming reprograms.
    pub parent_id: Option<i32>,
}

/// Quick creation from a PTE (W2): only the folio (or, for a reprogramming, the parent) is
/// given; the rest comes from the PTE and the order is POR DEFINIR until its first edit.
#[tracing::instrument(name = "service", skip_all, fields(use_case = "work_orders::create::quick_create", pte_id = quick.pte_id))]
pub fn quick_create(
    conn: &mut DbConn,
    catalogs: &Catalogs,
    quick: QuickOrder<'_>,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<Created, ServiceError> {
    let QuickOrder {
        pte_id,
        kind,
        folio,
        parent_id,
    } = quick;
    let pte = planning_docs::find_visible(conn, pte_id)?.ok_or(ServiceError::NotFound)?;
    let Some(project_manager) = pte.project_manager_id else {
        return Err(invalid(
            "responsable_proyecto",
            "La PTE no tiene responsable del proyecto: asígnelo antes de crear la OT.",
        ));
    };
    let form = WorkOrderForm {
        orden_trabajo: folio.to_owned(),
        oficio_ot: "PENDIENTE".to_owned(),
        id_tipo: kind.to_string(),
        id_pte: pte.id.to_string(),
        descripcion_trabajo: pte.description.clone(),
        responsable_proyecto: project_manager.to_string(),
        responsable_cliente: "POR DEFINIR".to_owned(),
        id_cliente: pte.client_id.map(|c| c.to_string()).unwrap_or_default(),
        ot_principal: parent_id.map(|p| p.to_string()).unwrap_or_default(),
        ..WorkOrderForm::default()
    };
    let input = form.parse(Mode::Create).map_err(ServiceError::Invalid)?;
    if input.kind == WorkOrderKind::Reprogramming
        && let Some(parent) = input.parent_id
        && let Some(p) = repo::find_visible(conn, parent)?
        && p.planning_doc_id != Some(pte.id)
    {
        return Err(invalid(
            "ot_principal",
            "La OT principal no proviene de esta PTE.",
        ));
    }
    insert_with_retry(conn, catalogs, &input, RecordState::ToDefine, actor, now)
}

/// Two people reprogramming the same order at once may compute the same revision; the unique
/// index refuses the second, which then tries again with the next number. `catalogs` are read
/// before the write lock (callers pass the instance's cached ones: they change rarely, and
/// loading them was an eighth of a create's instructions), which keeps the lock short.
fn insert_with_retry(
    conn: &mut DbConn,
    catalogs: &Catalogs,
    input: &WorkOrderInput,
    state: RecordState,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<Created, ServiceError> {
    let mut attempts = 0;
    loop {
        attempts += 1;
        match write_transaction(conn, |c| insert(c, catalogs, input, state, actor, now)) {
            Err(ServiceError::Db(e)) if db::is_unique_violation(&e) => {
                if input.kind == WorkOrderKind::Reprogramming && attempts < 5 {
                    continue;
                }
                return Err(ServiceError::Conflict(
                    "Otra persona acaba de crear una OT con estos datos (folio o PTE ya usados). \
                     Revise la lista e intente de nuevo."
                        .to_owned(),
                ));
            }
            other => return other,
        }
    }
}

fn insert(
    c: &mut DbConn,
    catalogs: &Catalogs,
    input: &WorkOrderInput,
    state: RecordState,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<Created, ServiceError> {
    let mut errors = FieldErrors::default();
    let mut duplicates = FieldErrors::default();
    let mut input = input.clone();
    let mut revision = None;
    // The PTE's folio (for the search text), when the checks below read it.
    let mut pte = None;
    match input.kind {
        WorkOrderKind::Reprogramming => {
            // Reprogrammings of one parent queue on its row, so the revision below is right
            // the first time (SQLite writers are already serialised).
            let parent = input
                .parent_id
                .map(|p| repo::find_visible_locked(c, p))
                .transpose()?
                .flatten();
            match parent {
                Some(p) if p.kind_id == WorkOrderKind::Initial.id() => {
                    // W4: the reprogramming inherits the parent's PTE and folio.
                    input.folio = p.folio.clone();
                    input.planning_doc_id = p.planning_doc_id;
                    revision = Some(repo::max_revision(c, p.id)? + 1);
                }
                Some(_) => errors.add(
                    "ot_principal",
                    "La OT principal debe ser una OT inicial, no una reprogramación.",
                ),
                None => errors.add("ot_principal", "La OT principal no existe o fue eliminada."),
            }
        }
        WorkOrderKind::Initial => {
            if let Some(id) = input.planning_doc_id {
                match planning_docs::visible_folio(c, id)? {
                    None => errors.add("id_pte", "La PTE no existe o fue eliminada."),
                    Some(folio) => {
                        if let Some((_, taken)) = repo::initial_for_pte(c, id, None)? {
                            duplicates.add(
                                "id_pte",
                                format!("Esta PTE ya tiene su OT inicial ({taken})."),
                            );
                        }
                        pte = Some(folio);
                    }
                }
            }
            if repo::initial_with_folio(c, &input.folio, None)?.is_some() {
                duplicates.add(
                    "orden_trabajo",
                    format!("Ya existe una OT inicial con el folio «{}».", input.folio),
                );
            }
        }
    }
    check_catalog_ids(catalogs, &input, None, &mut errors);
    refuse(errors, duplicates)?;

    let create = CreateFields {
        kind_id: input.kind.id(),
        planning_doc_id: input.planning_doc_id,
        parent_id: input.parent_id,
        revision,
        status_id: ot_status::ASSIGNED,
        record_state: state.code(),
        version: 1,
        created_at: now,
        created_by: actor.user_id,
        updated_at: now,
        updated_by: actor.user_id,
    };
    let pte = match pte {
        Some(folio) => folio,
        None => pte_folio(c, input.planning_doc_id)?,
    };
    let fields = fields_of(&input, &pte);
    let id = repo::insert(c, &create, &fields)?;
    // W3: steps in the same transaction, from the rule table, frozen from now on.
    let rules = templates::step_rules(c)?;
    let created_steps = match pick_template_set(&rules, input.kind.id(), input.client_id) {
        Some(set) => steps::create_from_templates(c, id, set, now)?,
        None => 0,
    };
    let what = if input.kind == WorkOrderKind::Reprogramming {
        format!(
            "Reprogramación {} de la OT {} creada con {created_steps} pasos",
            revision.unwrap_or_default(),
            input.folio
        )
    } else {
        format!("OT {} creada con {created_steps} pasos", input.folio)
    };
    activity::record(c, &actor.entry(now, TABLE, "crear", id).detail(what))?;
    repo::touch_list(c)?;
    Ok(Created {
        id,
        steps: created_steps,
        placed: Placed::inserted(id, &create, &fields),
    })
}
