//! Catalog administration (administrators): create, edit, deactivate and reactivate the entries
//! of clients, project managers, sites, fronts and statuses. Nothing is hard-deleted; codes the
//! rules depend on (DOMAIN.md §2) are never deactivated; every change goes to the activity log.

use chrono::NaiveDateTime;

use crate::db::catalogs::{self as repo, AdminEntry};
use crate::db::{DbConn, activity, lock_table_for_writes, versions, write_transaction};
use crate::domain::catalog::{Catalog, EntryForm, EntryInput, name_key};
use crate::domain::input::FieldErrors;
use crate::services::Actor;
use crate::services::ServiceError;

/// Entries whose description, comment or group name contains `q` (case and accents ignored),
/// optionally only the active or the inactive ones.
pub fn search(entries: Vec<AdminEntry>, q: &str, active: Option<bool>) -> Vec<AdminEntry> {
    let key = name_key(q);
    entries
        .into_iter()
        .filter(|e| active.is_none_or(|a| e.active == a))
        .filter(|e| {
            key.is_empty()
                || name_key(&e.description).contains(&key)
                || name_key(&e.comment).contains(&key)
                || e.id.to_string() == key
        })
        .collect()
}

fn duplicate(
    c: &mut DbConn,
    catalog: Catalog,
    input: &EntryInput,
    except: Option<i32>,
) -> Result<(), ServiceError> {
    let key = name_key(&input.description);
    let taken = repo::entries(c, catalog)?
        .into_iter()
        .any(|e| Some(e.id) != except && name_key(&e.description) == key);
    if taken {
        let mut e = FieldErrors::default();
        e.add(
            "descripcion",
            format!("Ya existe {} con esa descripción.", article(catalog)),
        );
        return Err(ServiceError::Duplicate(e));
    }
    Ok(())
}

/// "un cliente", "un sitio"…
fn article(catalog: Catalog) -> String {
    let one = catalog.the_one();
    one.strip_prefix("la ")
        .map(|rest| format!("una {rest}"))
        .unwrap_or_else(|| one.replacen("el ", "un ", 1))
}

/// Adds an entry; returns its id.
#[tracing::instrument(name = "service", skip_all, fields(use_case = "catalogs::create"))]
pub fn create(
    conn: &mut DbConn,
    catalog: Catalog,
    form: &EntryForm,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<i32, ServiceError> {
    if catalog.is_fixed() {
        return Err(ServiceError::Conflict(fixed_message(catalog)));
    }
    let input = form.parse(catalog).map_err(ServiceError::Invalid)?;
    write_transaction(conn, |c| {
        lock_table_for_writes(c, catalog.table())?;
        duplicate(c, catalog, &input, None)?;
        let id = repo::insert_entry(c, catalog, &input)?;
        let entry = actor
            .entry(now, catalog.table(), "crear", id)
            .detail(format!("{} creado: {}", catalog.title(), input.description));
        activity::record(c, &entry)?;
        versions::touch(c, versions::CATALOGS)?;
        Ok(id)
    })
}

fn fixed_message(catalog: Catalog) -> String {
    format!(
        "{} son códigos de las reglas: se pueden renombrar, no agregar ni desactivar.",
        catalog.title()
    )
}

/// Edits an entry's description, group and comment. A site's category cannot change while an
/// OT uses it: the OT's site field would no longer fit it (W1).
#[tracing::instrument(name = "service", skip_all, fields(use_case = "catalogs::update", id = id))]
pub fn update(
    conn: &mut DbConn,
    catalog: Catalog,
    id: i32,
    form: &EntryForm,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<(), ServiceError> {
    let input = form.parse(catalog).map_err(ServiceError::Invalid)?;
    write_transaction(conn, |c| {
        lock_table_for_writes(c, catalog.table())?;
        let old = repo::entry(c, catalog, id)?.ok_or(ServiceError::NotFound)?;
        duplicate(c, catalog, &input, Some(id))?;
        if catalog == Catalog::Sites && old.group != input.group {
            let used = repo::site_use_count(c, id)?;
            if used > 0 {
                let mut e = FieldErrors::default();
                e.add(
                    "grupo",
                    format!(
                        "El sitio está asignado a {used} OT: no puede cambiar de categoría. \
                         Desactívelo y cree uno nuevo."
                    ),
                );
                return Err(ServiceError::Invalid(e));
            }
        }
        repo::update_entry(c, catalog, id, &input)?;
        let group_name = |g| catalog.group().map_or("", |gr| gr.name(g)).to_owned();
        let changes = [
            (
                "descripcion",
                old.description.clone(),
                input.description.clone(),
            ),
            ("grupo", group_name(old.group), group_name(input.group)),
            ("comentario", old.comment.clone(), input.comment.clone()),
        ];
        for (field, before, after) in changes {
            if before != after {
                let entry = actor
                    .entry(now, catalog.table(), "editar", id)
                    .change(field, before, after);
                activity::record(c, &entry)?;
            }
        }
        versions::touch(c, versions::CATALOGS)?;
        Ok(())
    })
}

/// Deactivates (`active = false`) or reactivates an entry. Protected codes are refused.
#[tracing::instrument(name = "service", skip_all, fields(use_case = "catalogs::set_active", id = id))]
pub fn set_active(
    conn: &mut DbConn,
    catalog: Catalog,
    id: i32,
    active: bool,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<AdminEntry, ServiceError> {
    write_transaction(conn, |c| {
        let entry = repo::entry(c, catalog, id)?.ok_or(ServiceError::NotFound)?;
        if !active && catalog.is_protected(id) {
            return Err(ServiceError::Conflict(format!(
                "{} «{}» es un código del que dependen las reglas: no se puede desactivar.",
                capitalized(catalog.the_one()),
                entry.description
            )));
        }
        if entry.active != active {
            repo::set_entry_active(c, catalog, id, active)?;
            let action = if active { "reactivar" } else { "desactivar" };
            let log = actor
                .entry(now, catalog.table(), action, id)
                .detail(entry.description.clone());
            activity::record(c, &log)?;
            versions::touch(c, versions::CATALOGS)?;
        }
        Ok(entry)
    })
}

fn capitalized(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|f| f.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
