//! Execution tracking use cases: step changes (W9) and OT status changes (W8), each in one
//! transaction with its history (W11). The HTML routes and the JSON API both call these.

use chrono::{NaiveDate, NaiveDateTime};

use crate::db::catalogs::{CatalogKind, Catalogs};
use crate::db::work_orders::TABLE;
use crate::db::{DbConn, activity, steps, work_orders, write_transaction};
use crate::domain::codes::record_state;
use crate::domain::execution::{
    OrderStatus, StatusForm, StepForm, StepState, apply_status, apply_step,
};
use crate::domain::format;
use crate::services::Actor;
use crate::services::ServiceError;

/// One step of one order, as a request names it (`/ot/{order_id}/pasos/{step_id}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepOf {
    pub order_id: i32,
    pub step_id: i32,
}

/// Changes one step of an order (W9). A step of a deleted order cannot change; a step of another
/// order is "not found". `catalogs` name the statuses in the history (the caller's, usually the
/// instance's cache).
#[tracing::instrument(name = "service", skip_all, fields(use_case = "execution::change_step", order_id = step.order_id, step_id = step.step_id))]
pub fn change_step(
    conn: &mut DbConn,
    catalogs: &Catalogs,
    step: StepOf,
    form: &StepForm,
    actor: &Actor,
    today: NaiveDate,
    now: NaiveDateTime,
) -> Result<(), ServiceError> {
    let StepOf { order_id, step_id } = step;
    write_transaction(conn, |c| {
        work_orders::find_visible(c, order_id)?.ok_or(ServiceError::NotFound)?;
        let step = steps::find(c, step_id)?
            .filter(|s| s.work_order_id == order_id)
            .ok_or(ServiceError::NotFound)?;
        let current = StepState {
            status: step.status_id,
            start: step.start_date,
            end: step.end_date,
            delivery: step.delivery_date,
            comment: step.comment.clone(),
            link: step.link.clone(),
        };
        let new = apply_step(form, &current, today).map_err(ServiceError::Invalid)?;
        steps::update(c, step_id, &new, now)?;
        let name = step.description.clone();
        let status = |id| catalogs.name(CatalogKind::Status, Some(id));
        let d = |x| format::date(x);
        let changes = [
            ("estatus", status(current.status), status(new.status)),
            ("inicio", d(current.start), d(new.start)),
            ("término", d(current.end), d(new.end)),
            ("entrega", d(current.delivery), d(new.delivery)),
            ("comentario", current.comment.clone(), new.comment.clone()),
            (
                "entregable",
                current.link.clone().unwrap_or_default(),
                new.link.clone().unwrap_or_default(),
            ),
        ];
        for (what, old, new) in changes {
            if old != new {
                let field = format!("Paso «{name}»: {what}");
                activity::record(
                    c,
                    &actor
                        .entry(now, TABLE, "paso", order_id)
                        .change(&field, old, new),
                )?;
            }
        }
        Ok(())
    })
}

/// Changes an order's operational status (W8). A POR DEFINIR order must be configured first; a
/// stale version (two people at once) is refused; the comment goes to the history only.
/// `catalogs` name the statuses in the history.
#[tracing::instrument(name = "service", skip_all, fields(use_case = "execution::change_status", order_id = order_id))]
pub fn change_status(
    conn: &mut DbConn,
    catalogs: &Catalogs,
    order_id: i32,
    form: &StatusForm,
    actor: &Actor,
    today: NaiveDate,
    now: NaiveDateTime,
) -> Result<(), ServiceError> {
    write_transaction(conn, |c| {
        let order = work_orders::find_visible(c, order_id)?.ok_or(ServiceError::NotFound)?;
        if order.record_state == record_state::TO_DEFINE {
            return Err(ServiceError::Conflict(
                "La OT está POR DEFINIR: complétela con «Editar» antes de cambiar su estatus."
                    .to_owned(),
            ));
        }
        if let Ok(v) = form.version.trim().parse::<i32>()
            && v != order.version
        {
            return Err(ServiceError::Conflict(
                "Otra persona modificó esta OT mientras usted la veía; revise su estatus actual e \
                 intente de nuevo."
                    .to_owned(),
            ));
        }
        let change = apply_status(
            form,
            OrderStatus {
                status: order.status_id,
                real_start: order.real_start,
                real_end: order.real_end,
                real_end_from_status: order.real_end_from_status,
            },
            today,
        )
        .map_err(ServiceError::Invalid)?;
        if !work_orders::set_status_if_version(
            c,
            order_id,
            order.version,
            &change,
            actor.user_id,
            now,
        )? {
            return Err(ServiceError::Conflict(
                "Otra persona cambió esta OT al mismo tiempo; revise su estatus actual.".to_owned(),
            ));
        }
        let status = |id| catalogs.name(CatalogKind::Status, Some(id));
        let mut entry = actor.entry(now, TABLE, "estatus", order_id).change(
            "estatus",
            status(order.status_id),
            status(change.status),
        );
        // W8: the comment is added to the history, never over the OT's own comment.
        entry.detail = (!change.comment.is_empty()).then(|| change.comment.clone());
        activity::record(c, &entry)?;
        if change.real_end != order.real_end {
            activity::record(
                c,
                &actor.entry(now, TABLE, "estatus", order_id).change(
                    "fecha_termino_real",
                    format::date(order.real_end),
                    format::date(change.real_end),
                ),
            )?;
        }
        work_orders::touch_list(c)?;
        Ok(())
    })
}
