//! The master concept catalog (administrators): create, edit, deactivate and reactivate
//! concepts, and import them from a workbook all-or-nothing (W14). Annex imports validate
//! against the active concepts.

use std::io::Cursor;

use chrono::NaiveDateTime;
use serde::Deserialize;

use crate::db::annexes::{self as repo, ConceptRow, NewConcept};
use crate::db::{DbConn, activity, lock_table_for_writes, write_transaction};
use crate::domain::annex::{PRICE_SCALE, find_catalog_layout, format_scaled, norm, read_catalog};
use crate::domain::catalog::{self, clean_name};
use crate::domain::input::FieldErrors;
use crate::services::Actor;
use crate::services::ServiceError;
use crate::services::annexes::{ImportError, check_file, read_workbook, store_error_report};

const TABLE: &str = "concepts";

/// The concept form as posted.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ConceptForm {
    pub partida: String,
    pub descripcion: String,
    pub unidad: String,
    pub pu_mxn: String,
    pub pu_usd: String,
    pub anexo: String,
}

impl ConceptForm {
    pub fn of(c: &ConceptRow) -> ConceptForm {
        ConceptForm {
            partida: c.code.clone(),
            descripcion: c.description.clone(),
            unidad: c.unit_id.to_string(),
            pu_mxn: format_scaled(c.price_mxn, PRICE_SCALE).replace(',', ""),
            pu_usd: format_scaled(c.price_usd, PRICE_SCALE).replace(',', ""),
            anexo: c.annex.clone(),
        }
    }
}

fn parse(c: &mut DbConn, form: &ConceptForm, active: bool) -> Result<NewConcept, ServiceError> {
    let mut errors = FieldErrors::default();
    let code = norm(&form.partida);
    if code.is_empty() {
        errors.add("partida", "Escriba la partida (código del concepto).");
    } else if code.chars().count() > 50 {
        errors.add("partida", "La partida admite hasta 50 caracteres.");
    }
    let description = catalog::description(
        &mut errors,
        &form.descripcion,
        "Escriba la descripción del concepto.",
    );
    let units = repo::active_units(c)?;
    let unit_id = form
        .unidad
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|id| units.iter().any(|u| u.id == *id));
    if unit_id.is_none() {
        errors.add("unidad", "Elija una unidad activa.");
    }
    let price = |raw: &str, field: &'static str, errors: &mut FieldErrors| {
        match crate::domain::annex::parse_scaled(raw.trim(), PRICE_SCALE) {
            Some(p) if p >= 0 => p,
            _ => {
                errors.add(
                    field,
                    "Escriba un precio unitario ≥ 0, hasta 4 decimales (por ejemplo 1,234.5).",
                );
                0
            }
        }
    };
    let price_mxn = price(&form.pu_mxn, "pu_mxn", &mut errors);
    let price_usd = price(&form.pu_usd, "pu_usd", &mut errors);
    let annex = clean_name(&form.anexo);
    if annex.chars().count() > 50 {
        errors.add("anexo", "El anexo admite hasta 50 caracteres.");
    }
    match (unit_id, errors.is_empty()) {
        (Some(unit_id), true) => Ok(NewConcept {
            code,
            description,
            unit_id,
            price_mxn,
            price_usd,
            annex,
            active,
        }),
        _ => Err(ServiceError::Invalid(errors)),
    }
}

/// The key annex rows are matched on: code, description (normalised), unit.
fn key(code: &str, description: &str, unit_id: i32) -> (String, String, i32) {
    (norm(code), norm(description), unit_id)
}

fn duplicate(c: &mut DbConn, new: &NewConcept, except: Option<i32>) -> Result<(), ServiceError> {
    let wanted = key(&new.code, &new.description, new.unit_id);
    let taken = repo::all_concepts(c)?
        .iter()
        .any(|x| Some(x.id) != except && key(&x.code, &x.description, x.unit_id) == wanted);
    if taken {
        let mut e = FieldErrors::default();
        e.add(
            "descripcion",
            "Ya existe un concepto con esa partida, descripción y unidad.",
        );
        return Err(ServiceError::Duplicate(e));
    }
    Ok(())
}

#[tracing::instrument(name = "service", skip_all, fields(use_case = "concepts::create"))]
pub fn create(
    conn: &mut DbConn,
    form: &ConceptForm,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<i32, ServiceError> {
    write_transaction(conn, |c| {
        lock_table_for_writes(c, TABLE)?;
        let new = parse(c, form, true)?;
        duplicate(c, &new, None)?;
        let id = repo::insert_concept(c, &new)?;
        let entry = actor
            .entry(now, TABLE, "crear", id)
            .detail(format!("{} {}", new.code, new.description));
        activity::record(c, &entry)?;
        Ok(id)
    })
}

#[tracing::instrument(name = "service", skip_all, fields(use_case = "concepts::update", id = id))]
pub fn update(
    conn: &mut DbConn,
    id: i32,
    form: &ConceptForm,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<(), ServiceError> {
    write_transaction(conn, |c| {
        lock_table_for_writes(c, TABLE)?;
        let old = repo::find_concept(c, id)?.ok_or(ServiceError::NotFound)?;
        let new = parse(c, form, old.active)?;
        duplicate(c, &new, Some(id))?;
        repo::update_concept(c, id, &new)?;
        let before = ConceptForm::of(&old);
        let after = ConceptForm::of(&ConceptRow {
            id,
            code: new.code.clone(),
            description: new.description.clone(),
            unit_id: new.unit_id,
            unit: String::new(),
            price_mxn: new.price_mxn,
            price_usd: new.price_usd,
            annex: new.annex.clone(),
            active: new.active,
        });
        for (field, b, a) in [
            ("partida", before.partida, after.partida),
            ("descripcion", before.descripcion, after.descripcion),
            ("unidad", before.unidad, after.unidad),
            ("pu_mxn", before.pu_mxn, after.pu_mxn),
            ("pu_usd", before.pu_usd, after.pu_usd),
            ("anexo", before.anexo, after.anexo),
        ] {
            if b != a {
                activity::record(
                    c,
                    &actor.entry(now, TABLE, "editar", id).change(field, b, a),
                )?;
            }
        }
        Ok(())
    })
}

#[tracing::instrument(name = "service", skip_all, fields(use_case = "concepts::set_active", id = id))]
pub fn set_active(
    conn: &mut DbConn,
    id: i32,
    active: bool,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<ConceptRow, ServiceError> {
    write_transaction(conn, |c| {
        lock_table_for_writes(c, TABLE)?;
        let old = repo::find_concept(c, id)?.ok_or(ServiceError::NotFound)?;
        if old.active != active {
            let values = NewConcept {
                code: old.code.clone(),
                description: old.description.clone(),
                unit_id: old.unit_id,
                price_mxn: old.price_mxn,
                price_usd: old.price_usd,
                annex: old.annex.clone(),
                active,
            };
            if active {
                // Reactivating must not make two active concepts with one key.
                duplicate_active(c, &values, id)?;
            }
            repo::update_concept(c, id, &values)?;
            let action = if active { "reactivar" } else { "desactivar" };
            let entry = actor
                .entry(now, TABLE, action, id)
                .detail(format!("{} {}", old.code, old.description));
            activity::record(c, &entry)?;
        }
        Ok(old)
    })
}

fn duplicate_active(c: &mut DbConn, new: &NewConcept, id: i32) -> Result<(), ServiceError> {
    let wanted = key(&new.code, &new.description, new.unit_id);
    if repo::all_concepts(c)?
        .iter()
        .any(|x| x.id != id && x.active && key(&x.code, &x.description, x.unit_id) == wanted)
    {
        return Err(ServiceError::Conflict(
            "Ya hay un concepto activo con esa partida, descripción y unidad.".into(),
        ));
    }
    Ok(())
}

/// What a catalog import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Imported {
    pub added: usize,
    pub updated: usize,
}

/// Imports the concept catalog from a workbook, all-or-nothing. A row whose (code, description,
/// unit) exists gets its prices and annex and becomes active; the others are added.
#[tracing::instrument(name = "service", skip_all, fields(use_case = "concepts::import"))]
pub fn import(
    conn: &mut DbConn,
    file_name: &str,
    bytes: &[u8],
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<Imported, ImportError> {
    check_file(file_name, bytes).map_err(ImportError::File)?;
    let sheets = read_workbook(Cursor::new(bytes)).map_err(ImportError::File)?;
    let layout = find_catalog_layout(&sheets).map_err(ImportError::File)?;
    let sheet = &sheets[layout.sheet];
    let units = repo::active_units(conn)?;
    let entries = match read_catalog(sheet, &layout, &units) {
        Ok(e) if e.is_empty() => {
            return Err(ImportError::File(format!(
                "La hoja «{}» no tiene conceptos.",
                sheet.name
            )));
        }
        Ok(e) => e,
        Err(errors) => {
            let report = store_error_report(
                conn,
                None,
                "errores-catalogo.xlsx",
                sheet,
                layout.header_row,
                &errors,
                actor,
                now,
            )?;
            let rows = errors.len();
            return Err(ImportError::Rows {
                errors,
                rows,
                report,
            });
        }
    };
    write_transaction(conn, |c| {
        lock_table_for_writes(c, TABLE)?;
        let existing: std::collections::HashMap<(String, String, i32), i32> =
            repo::all_concepts(c)?
                .into_iter()
                .map(|x| (key(&x.code, &x.description, x.unit_id), x.id))
                .collect();
        let mut new = Vec::new();
        let mut updated = 0;
        for e in entries {
            let values = NewConcept {
                code: e.code,
                description: e.description,
                unit_id: e.unit_id,
                price_mxn: e.price_mxn,
                price_usd: e.price_usd,
                annex: e.annex,
                active: true,
            };
            match existing.get(&key(&values.code, &values.description, values.unit_id)) {
                Some(id) => {
                    repo::update_concept(c, *id, &values)?;
                    updated += 1;
                }
                None => new.push(values),
            }
        }
        repo::insert_concepts(c, &new)?;
        let outcome = Imported {
            added: new.len(),
            updated,
        };
        let entry = actor.entry(now, TABLE, "importar", 0).detail(format!(
            "Catálogo de conceptos importado de «{file_name}»: {} agregados, {} actualizados.",
            outcome.added, outcome.updated
        ));
        activity::record(c, &entry)?;
        Ok(outcome)
    })
}
