//! Work-order use cases: create (full form and quick creation from a PTE), edit, delete,
//! restore. The HTML routes and the JSON API both call these: every rule has one code path.

use chrono::NaiveDateTime;
use diesel::QueryResult;

use crate::db::catalogs::{self, Catalogs, Kind};
use crate::db::work_orders::{self as repo, CreateFields, OrderFields, WorkOrder};
use crate::db::{self, DbConn, activity, planning_docs, steps, write_transaction};
use crate::domain::codes::{kind, ot_status, record_state, site_category};
use crate::domain::format;
use crate::domain::input::FieldErrors;
use crate::domain::step_rule::pick_template_set;
use crate::domain::work_order::{Mode, WorkOrderForm, WorkOrderInput, list_year};
use crate::services::{Actor, ServiceError, invalid};

/// Table name in activity-log entries about orders.
pub const TABLE: &str = "work_orders";

/// What a create produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Created {
    pub id: i32,
    pub steps: usize,
}

/// Creates an OT from the full form (W1–W4, W6): an active order and its steps, in one
/// transaction.
pub fn create(
    conn: &mut DbConn,
    form: &WorkOrderForm,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<Created, ServiceError> {
    let input = form.parse(Mode::Create).map_err(ServiceError::Invalid)?;
    insert_with_retry(conn, &input, record_state::ACTIVE, actor, now)
}

/// Quick creation from a PTE (W2): only the folio (or, for a reprogramming, the parent) is
/// given; the rest comes from the PTE and the order is POR DEFINIR until its first edit.
pub fn quick_create(
    conn: &mut DbConn,
    pte_id: i32,
    kind_id: i32,
    folio: &str,
    parent_id: Option<i32>,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<Created, ServiceError> {
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
        id_tipo: kind_id.to_string(),
        id_pte: pte.id.to_string(),
        descripcion_trabajo: pte.description.clone(),
        responsable_proyecto: project_manager.to_string(),
        responsable_cliente: "POR DEFINIR".to_owned(),
        id_cliente: pte.client_id.map(|c| c.to_string()).unwrap_or_default(),
        ot_principal: parent_id.map(|p| p.to_string()).unwrap_or_default(),
        ..WorkOrderForm::default()
    };
    let input = form.parse(Mode::Create).map_err(ServiceError::Invalid)?;
    if input.kind == kind::REPROGRAMMING
        && let Some(parent) = input.parent_id
        && let Some(p) = repo::find(conn, parent)?
        && p.planning_doc_id != Some(pte.id)
    {
        return Err(invalid(
            "ot_principal",
            "La OT principal no proviene de esta PTE.",
        ));
    }
    insert_with_retry(conn, &input, record_state::TO_DEFINE, actor, now)
}

/// Two people reprogramming the same order at once may compute the same revision; the unique
/// index refuses the second, which then tries again with the next number.
fn insert_with_retry(
    conn: &mut DbConn,
    input: &WorkOrderInput,
    state: i32,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<Created, ServiceError> {
    // Catalogs change rarely: reading them before the write lock keeps the lock short.
    let catalogs = Catalogs::load(conn)?;
    let mut attempts = 0;
    loop {
        attempts += 1;
        match write_transaction(conn, |c| insert(c, &catalogs, input, state, actor, now)) {
            Err(ServiceError::Db(e)) if db::is_unique_violation(&e) => {
                if input.kind == kind::REPROGRAMMING && attempts < 5 {
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
    state: i32,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<Created, ServiceError> {
    let mut errors = FieldErrors::default();
    let mut duplicates = FieldErrors::default();
    let mut input = input.clone();
    let mut revision = None;
    match input.kind {
        kind::REPROGRAMMING => {
            let parent = input
                .parent_id
                .map(|p| repo::find(c, p))
                .transpose()?
                .flatten();
            match parent {
                Some(p)
                    if p.kind_id == kind::INITIAL && p.record_state != record_state::DELETED =>
                {
                    // Reprogrammings of one parent queue on its row, so the revision below is
                    // right the first time (SQLite writers are already serialised).
                    lock_row(c, p.id)?;
                    // W4: the reprogramming inherits the parent's PTE and folio.
                    input.folio = p.folio.clone();
                    input.planning_doc_id = p.planning_doc_id;
                    revision = Some(repo::max_revision(c, p.id)? + 1);
                }
                Some(p) if p.kind_id != kind::INITIAL => errors.add(
                    "ot_principal",
                    "La OT principal debe ser una OT inicial, no una reprogramación.",
                ),
                _ => errors.add("ot_principal", "La OT principal no existe o fue eliminada."),
            }
        }
        _ => {
            if let Some(pte) = input.planning_doc_id {
                if planning_docs::find_visible(c, pte)?.is_none() {
                    errors.add("id_pte", "La PTE no existe o fue eliminada.");
                } else if let Some((_, folio)) = repo::initial_for_pte(c, pte, None)? {
                    duplicates.add(
                        "id_pte",
                        format!("Esta PTE ya tiene su OT inicial ({folio})."),
                    );
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
        kind_id: input.kind,
        planning_doc_id: input.planning_doc_id,
        parent_id: input.parent_id,
        revision,
        status_id: ot_status::ASSIGNED,
        record_state: state,
        version: 1,
        created_at: now,
        created_by: actor.user_id,
        updated_at: now,
        updated_by: actor.user_id,
    };
    let pte = pte_folio(c, input.planning_doc_id)?;
    let id = repo::insert(c, &create, &fields_of(&input, &pte))?;
    // W3: steps in the same transaction, from the rule table, frozen from now on.
    let rules = catalogs::step_rules(c)?;
    let templates = match pick_template_set(&rules, input.kind, input.client_id) {
        Some(set) => catalogs::active_templates(c, set)?,
        None => Vec::new(),
    };
    let created_steps = steps::create_for_order(c, id, &templates, now)?;
    let what = if input.kind == kind::REPROGRAMMING {
        format!(
            "Reprogramación {} de la OT {} creada con {created_steps} pasos",
            revision.unwrap_or_default(),
            input.folio
        )
    } else {
        format!("OT {} creada con {created_steps} pasos", input.folio)
    };
    log(c, actor, now, "crear", id, None, None, None, Some(what))?;
    repo::touch_list(c)?;
    Ok(Created {
        id,
        steps: created_steps,
    })
}

/// Any field error makes the whole input invalid (422, every message); only when all else is
/// right is a duplicate reported as such (409).
fn refuse(mut errors: FieldErrors, duplicates: FieldErrors) -> Result<(), ServiceError> {
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

/// Locks an order's row until the transaction ends (PostgreSQL; SQLite has one writer anyway).
pub(crate) fn lock_row(c: &mut DbConn, id: i32) -> QueryResult<()> {
    use diesel::RunQueryDsl;
    if let DbConn::Pg(pg) = c {
        diesel::sql_query("SELECT id FROM work_orders WHERE id = $1 FOR UPDATE")
            .bind::<diesel::sql_types::Integer, _>(id)
            .execute(pg)?;
    }
    Ok(())
}

/// W1: ids must exist and be active, and a site must be of its field's category. On edit, an id
/// the order already has is accepted even if deactivated since (it still displays).
fn check_catalog_ids(
    catalogs: &Catalogs,
    input: &WorkOrderInput,
    current: Option<&WorkOrder>,
    errors: &mut FieldErrors,
) {
    let usable = |kind: Kind, id: i32, kept: Option<i32>| {
        catalogs
            .get(kind, id)
            .is_some_and(|e| e.active || kept == Some(id))
    };
    if !usable(
        Kind::ProjectManager,
        input.project_manager_id,
        current.map(|o| o.project_manager_id),
    ) {
        errors.add(
            "responsable_proyecto",
            "El responsable del proyecto no existe o está desactivado.",
        );
    }
    if let Some(client) = input.client_id
        && !usable(Kind::Client, client, current.and_then(|o| o.client_id))
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
        match catalogs.get(Kind::Site, site) {
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
fn pte_folio(c: &mut DbConn, pte: Option<i32>) -> QueryResult<String> {
    Ok(match pte {
        Some(id) => planning_docs::find_visible(c, id)?
            .map(|p| p.folio)
            .unwrap_or_default(),
        None => String::new(),
    })
}

fn fields_of(input: &WorkOrderInput, pte_folio: &str) -> OrderFields {
    OrderFields {
        search_text: repo::search_text(&input.folio, &input.oficio, pte_folio, &input.description),
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
        front_id: input.front_id,
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

/// Edits an OT (W5): same validation as create; POR DEFINIR becomes active; kind and parent stay;
/// a stale version is refused naming who saved first and when; each changed field is logged.
/// Without a version (legacy API clients) the edit applies and the log still keeps old values.
pub fn update(
    conn: &mut DbConn,
    id: i32,
    form: &WorkOrderForm,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<(), ServiceError> {
    let catalogs = Catalogs::load(conn)?;
    write_transaction(conn, |c| {
        let current = repo::find(c, id)?
            .filter(|o| o.record_state != record_state::DELETED)
            .ok_or(ServiceError::NotFound)?;
        let mut input = form
            .parse(Mode::Edit {
                kind: current.kind_id,
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
        if current.kind_id == kind::REPROGRAMMING {
            // W4: a reprogramming keeps its parent's folio.
            input.folio = current.folio.clone();
        } else if repo::initial_with_folio(c, &input.folio, Some(id))?.is_some() {
            duplicates.add(
                "orden_trabajo",
                format!("Ya existe una OT inicial con el folio «{}».", input.folio),
            );
        }
        check_catalog_ids(&catalogs, &input, Some(&current), &mut errors);
        refuse(errors, duplicates)?;
        let pte = pte_folio(c, current.planning_doc_id)?;
        let fields = fields_of(&input, &pte);
        let new_state = record_state::ACTIVE;
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
        let mut changes = diff(&catalogs, &current, &fields);
        if current.record_state == record_state::TO_DEFINE {
            changes.push(("estatus", "POR DEFINIR".to_owned(), "ACTIVA".to_owned()));
        }
        for (field, old, new) in changes {
            log(
                c,
                actor,
                now,
                "editar",
                id,
                Some(field),
                Some(old),
                Some(new),
                None,
            )?;
        }
        repo::touch_list(c)?;
        Ok(())
    })
}

fn stale(c: &mut DbConn, current: &WorkOrder) -> QueryResult<ServiceError> {
    let latest = repo::find(c, current.id)?.unwrap_or_else(|| current.clone());
    let who = repo::updated_by_name(c, latest.updated_by)?;
    Ok(ServiceError::Conflict(format!(
        "{who} guardó cambios en esta OT el {}. Sus cambios no se guardaron: el formulario \
         conserva lo que usted escribió; revise los datos actuales y guarde de nuevo.",
        format::timestamp(latest.updated_at)
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
    let site = |id: Option<i32>| catalogs.name(Kind::Site, id);
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
        catalogs.name(Kind::ProjectManager, Some(old.project_manager_id)),
        catalogs.name(Kind::ProjectManager, Some(new.project_manager_id)),
    );
    push(
        "responsable_cliente",
        old.client_representative.clone(),
        new.client_representative.clone(),
    );
    push(
        "id_cliente",
        catalogs.name(Kind::Client, old.client_id),
        catalogs.name(Kind::Client, new.client_id),
    );
    push(
        "id_frente",
        catalogs.name(Kind::Front, old.front_id),
        catalogs.name(Kind::Front, new.front_id),
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

/// Soft delete (W7): the row, its steps and its history stay.
pub fn delete(
    conn: &mut DbConn,
    id: i32,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<(), ServiceError> {
    write_transaction(conn, |c| {
        let current = repo::find(c, id)?
            .filter(|o| o.record_state != record_state::DELETED)
            .ok_or(ServiceError::NotFound)?;
        repo::set_record_state(c, id, record_state::DELETED, actor.user_id, now)?;
        log(
            c,
            actor,
            now,
            "eliminar",
            id,
            None,
            None,
            None,
            Some(format!("OT {} eliminada", current.folio)),
        )?;
        repo::touch_list(c)?;
        Ok(())
    })
}

/// Restores a deleted OT as active (administrators). Refused when its PTE, folio or revision
/// has been taken meanwhile.
pub fn restore(
    conn: &mut DbConn,
    id: i32,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<(), ServiceError> {
    let result = write_transaction(conn, |c| {
        let current = repo::find(c, id)?
            .filter(|o| o.record_state == record_state::DELETED)
            .ok_or(ServiceError::NotFound)?;
        if current.kind_id == kind::INITIAL {
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
        repo::set_record_state(c, id, record_state::ACTIVE, actor.user_id, now)?;
        log(
            c,
            actor,
            now,
            "restaurar",
            id,
            None,
            None,
            None,
            Some(format!("OT {} restaurada", current.folio)),
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

#[allow(clippy::too_many_arguments)]
fn log(
    c: &mut DbConn,
    actor: &Actor,
    now: NaiveDateTime,
    action: &str,
    id: i32,
    field: Option<&str>,
    old: Option<String>,
    new: Option<String>,
    detail: Option<String>,
) -> QueryResult<()> {
    activity::record(
        c,
        &activity::NewEntry {
            at: now,
            user_id: actor.user_id,
            username: actor.username.clone(),
            action: action.to_owned(),
            table_name: TABLE.to_owned(),
            record_id: Some(id),
            field: field.map(str::to_owned),
            old_value: old,
            new_value: new,
            detail,
        },
    )
}
