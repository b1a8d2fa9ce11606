//! The company's name (issue 12 §6): a setting the administrator writes, printed at the top of
//! every OT printout.

use chrono::NaiveDateTime;

use crate::db::{DbConn, activity, settings, versions, write_transaction};
use crate::services::{Actor, ServiceError, invalid};

/// The setting's name in `app_settings`.
pub const SETTING: &str = settings::COMPANY_NAME;
/// Longest name accepted.
pub const MAX_CHARS: usize = 120;

/// The company form.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct CompanyForm {
    pub nombre_empresa: String,
}

/// The name printed on OT printouts ("" until an administrator sets one).
pub fn name(conn: &mut DbConn) -> diesel::QueryResult<String> {
    Ok(settings::get(conn, SETTING)?.unwrap_or_default())
}

/// Sets the company's name (administrators): trimmed, at most 120 characters, no control
/// characters; blank clears it.
#[tracing::instrument(name = "service", skip_all, fields(use_case = "company::set_name"))]
pub fn set_name(
    conn: &mut DbConn,
    form: &CompanyForm,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<(), ServiceError> {
    let value = form
        .nombre_empresa
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if value.chars().count() > MAX_CHARS {
        return Err(invalid(
            "nombre_empresa",
            format!("El nombre de la empresa pasa de {MAX_CHARS} caracteres."),
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(invalid(
            "nombre_empresa",
            "El nombre de la empresa tiene caracteres no permitidos.",
        ));
    }
    write_transaction(conn, |c| {
        let before = name(c)?;
        settings::set(c, SETTING, &value, now)?;
        let entry = actor.entry(now, "app_settings", "editar", None).change(
            "nombre_empresa",
            before,
            value.clone(),
        );
        activity::record(c, &entry)?;
        // Pages read the name with the catalogs (`Catalogs::company`), cached per instance.
        versions::touch(c, versions::CATALOGS)?;
        Ok(())
    })
}
