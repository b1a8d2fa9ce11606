//! Step templates and the W3 rule table (administrators). Steps are frozen at creation: nothing
//! here touches the steps of existing orders; changes apply to the next order created.

use chrono::NaiveDateTime;

use crate::db::catalogs::{CatalogKind, Catalogs};
use crate::db::templates::{self as repo, Template, TemplateValues};
use crate::db::{DbConn, activity, is_unique_violation, write_transaction};
use crate::domain::catalog;
use crate::domain::input::FieldErrors;
use crate::domain::step_rule::{
    RuleForm, TemplateForm, describe, parse_rule, pick_template_set, set_name,
};
use crate::services::Actor;
use crate::services::ServiceError;

const TEMPLATES: &str = "step_templates";
const RULES: &str = "step_rules";

fn client_type_name(id: Option<i32>) -> String {
    catalog::client_type_name(id).to_owned()
}

/// Adds a template, at the end of its set unless a position is given; returns its id.
#[tracing::instrument(
    name = "service",
    skip_all,
    fields(use_case = "step_setup::create_template")
)]
pub fn create_template(
    conn: &mut DbConn,
    form: &TemplateForm,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<i32, ServiceError> {
    let input = form.parse().map_err(ServiceError::Invalid)?;
    write_transaction(conn, |c| {
        let position = match input.position {
            Some(p) => p,
            None => repo::last_position(c, input.set)? + 1,
        };
        let id = repo::insert(
            c,
            &TemplateValues {
                set_id: input.set,
                description: input.description.clone(),
                sort_order: position,
                client_type_id: input.client_type,
                comment: input.comment.clone(),
            },
        )?;
        let log = actor.entry(now, TEMPLATES, "crear", id).detail(format!(
            "Plantilla «{}» en el conjunto {}, posición {position}",
            input.description,
            set_name(input.set)
        ));
        activity::record(c, &log)?;
        Ok(id)
    })
}

/// Edits a template. Existing orders keep their steps as they were created (W3).
#[tracing::instrument(name = "service", skip_all, fields(use_case = "step_setup::update_template", id = id))]
pub fn update_template(
    conn: &mut DbConn,
    id: i32,
    form: &TemplateForm,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<(), ServiceError> {
    let input = form.parse().map_err(ServiceError::Invalid)?;
    write_transaction(conn, |c| {
        let old = repo::find(c, id)?.ok_or(ServiceError::NotFound)?;
        let position = match input.position {
            Some(p) => p,
            None if old.set_id == input.set => old.sort_order,
            None => repo::last_position(c, input.set)? + 1,
        };
        let new = TemplateValues {
            set_id: input.set,
            description: input.description.clone(),
            sort_order: position,
            client_type_id: input.client_type,
            comment: input.comment.clone(),
        };
        repo::update(c, id, &new)?;
        let changes = [
            (
                "descripcion",
                old.description.clone(),
                new.description.clone(),
            ),
            (
                "conjunto",
                set_name(old.set_id).to_owned(),
                set_name(new.set_id).to_owned(),
            ),
            (
                "orden",
                old.sort_order.to_string(),
                new.sort_order.to_string(),
            ),
            (
                "tipo_cliente",
                client_type_name(old.client_type_id),
                client_type_name(new.client_type_id),
            ),
            ("comentario", old.comment.clone(), new.comment.clone()),
        ];
        for (field, before, after) in changes {
            if before != after {
                let log = actor
                    .entry(now, TEMPLATES, "editar", id)
                    .change(field, before, after);
                activity::record(c, &log)?;
            }
        }
        Ok(())
    })
}

/// Deactivates or reactivates a template: only orders created afterwards notice.
#[tracing::instrument(name = "service", skip_all, fields(use_case = "step_setup::set_template_active", id = id))]
pub fn set_template_active(
    conn: &mut DbConn,
    id: i32,
    active: bool,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<Template, ServiceError> {
    write_transaction(conn, |c| {
        let t = repo::find(c, id)?.ok_or(ServiceError::NotFound)?;
        if t.active != active {
            repo::set_active(c, id, active)?;
            let action = if active { "reactivar" } else { "desactivar" };
            let log = actor
                .entry(now, TEMPLATES, action, id)
                .detail(t.description.clone());
            activity::record(c, &log)?;
        }
        Ok(t)
    })
}

/// Moves a template one place up or down in its set; the set is renumbered 1, 2, 3…
#[tracing::instrument(name = "service", skip_all, fields(use_case = "step_setup::move_template", id = id))]
pub fn move_template(
    conn: &mut DbConn,
    id: i32,
    up: bool,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<(), ServiceError> {
    write_transaction(conn, |c| {
        let t = repo::find(c, id)?.ok_or(ServiceError::NotFound)?;
        let mut set = repo::of_set(c, t.set_id)?;
        let Some(i) = set.iter().position(|x| x.id == id) else {
            return Err(ServiceError::NotFound);
        };
        let j = if up { i.checked_sub(1) } else { Some(i + 1) };
        let Some(j) = j.filter(|j| *j < set.len()) else {
            return Ok(());
        };
        set.swap(i, j);
        for (n, template) in set.iter().enumerate() {
            let position = i32::try_from(n + 1).unwrap_or(i32::MAX);
            if template.sort_order != position {
                repo::set_position(c, template.id, position)?;
            }
        }
        let log = actor.entry(now, TEMPLATES, "reordenar", id).change(
            "orden",
            t.sort_order.to_string(),
            (j + 1).to_string(),
        );
        activity::record(c, &log)?;
        Ok(())
    })
}

fn field_error(field: &'static str, msg: impl Into<String>) -> FieldErrors {
    let mut e = FieldErrors::default();
    e.add(field, msg);
    e
}

/// Adds a client-specific rule ("kind K and client C → set S").
#[tracing::instrument(name = "service", skip_all, fields(use_case = "step_setup::add_rule"))]
pub fn add_rule(
    conn: &mut DbConn,
    form: &RuleForm,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<i32, ServiceError> {
    let rule = parse_rule(form).map_err(ServiceError::Invalid)?;
    let Some(client) = rule.client else {
        return Err(ServiceError::Invalid(field_error(
            "cliente",
            "Elija un cliente: la regla general de cada tipo ya existe; cámbiele el conjunto.",
        )));
    };
    let result = write_transaction(conn, |c| {
        let catalogs = Catalogs::load(c)?;
        let name = match catalogs.get(CatalogKind::Client, client) {
            Some(e) if e.active => e.description.clone(),
            _ => {
                return Err(ServiceError::Invalid(field_error(
                    "cliente",
                    "El cliente elegido no existe o está desactivado.",
                )));
            }
        };
        if repo::rules(c)?
            .iter()
            .any(|r| r.kind == rule.kind && r.client == Some(client))
        {
            return Err(ServiceError::Duplicate(field_error(
                "cliente",
                "Ya hay una regla para ese tipo y ese cliente: cámbiele el conjunto en la tabla.",
            )));
        }
        let id = repo::insert_rule(c, &rule)?;
        let log = actor.entry(now, RULES, "crear", id).detail(describe(
            rule.kind,
            Some(&name),
            rule.template_set,
        ));
        activity::record(c, &log)?;
        Ok(id)
    });
    match result {
        Err(ServiceError::Db(e)) if is_unique_violation(&e) => Err(ServiceError::Duplicate(
            field_error("cliente", "Ya hay una regla para ese tipo y ese cliente."),
        )),
        other => other,
    }
}

/// Changes the template set a rule gives.
#[tracing::instrument(name = "service", skip_all, fields(use_case = "step_setup::change_rule", id = id))]
pub fn change_rule(
    conn: &mut DbConn,
    id: i32,
    form: &RuleForm,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<(), ServiceError> {
    let set = crate::domain::step_rule::TEMPLATE_SETS
        .iter()
        .map(|(s, _)| *s)
        .find(|s| form.conjunto.trim() == s.to_string())
        .ok_or_else(|| {
            ServiceError::Invalid(field_error("conjunto", "Elija el conjunto de plantillas."))
        })?;
    write_transaction(conn, |c| {
        let old = repo::find_rule(c, id)?.ok_or(ServiceError::NotFound)?;
        if old.template_set != set {
            repo::set_rule_set(c, id, set)?;
            let log = actor.entry(now, RULES, "editar", id).change(
                "conjunto",
                set_name(old.template_set).to_owned(),
                set_name(set).to_owned(),
            );
            activity::record(c, &log)?;
        }
        Ok(())
    })
}

/// Removes a client-specific rule: that client's orders fall back to the kind's general rule.
#[tracing::instrument(name = "service", skip_all, fields(use_case = "step_setup::delete_rule", id = id))]
pub fn delete_rule(
    conn: &mut DbConn,
    id: i32,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<(), ServiceError> {
    write_transaction(conn, |c| {
        let old = repo::find_rule(c, id)?.ok_or(ServiceError::NotFound)?;
        if old.client.is_none() {
            return Err(ServiceError::Conflict(
                "La regla general de cada tipo de OT no se elimina: cámbiele el conjunto.".into(),
            ));
        }
        let catalogs = Catalogs::load(c)?;
        let text = describe(
            old.kind,
            Some(&catalogs.name(CatalogKind::Client, old.client)),
            old.template_set,
        );
        repo::delete_rule(c, id)?;
        let log = actor.entry(now, RULES, "eliminar", id).detail(text);
        activity::record(c, &log)?;
        Ok(())
    })
}

/// What an order of `kind` for `client` would get now: the set, and its active templates in
/// the order the steps would show.
#[tracing::instrument(name = "service", skip_all, fields(use_case = "step_setup::preview"))]
pub fn preview(
    conn: &mut DbConn,
    kind: i32,
    client: Option<i32>,
) -> Result<(Option<i32>, Vec<Template>), ServiceError> {
    let rules = repo::step_rules(conn)?;
    let Some(set) = pick_template_set(&rules, kind, client) else {
        return Ok((None, Vec::new()));
    };
    let templates = repo::of_set(conn, set)?
        .into_iter()
        .filter(|t| t.active)
        .collect();
    Ok((Some(set), templates))
}
