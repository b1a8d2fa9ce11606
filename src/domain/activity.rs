//! The activity log (W11) in Spanish: what its table, action and field codes mean to the people
//! who read the history on an order's page and on `/actividad`.

use super::work_order::EDITABLE_FIELDS;

/// The tables the log names, as people call them.
pub const TABLES: &[(&str, &str)] = &[
    ("work_orders", "OT"),
    ("planning_docs", "PTE"),
    ("users", "Usuario"),
    ("clients", "Cliente"),
    ("project_managers", "Responsable"),
    ("sites", "Sitio"),
    ("fronts", "Frente"),
    ("statuses", "Estatus"),
    ("step_templates", "Plantilla de paso"),
    ("step_rules", "Regla de pasos"),
    ("units", "Unidad"),
    ("concepts", "Concepto"),
    ("exchange_rates", "Tipo de cambio"),
    ("app_settings", "Configuración"),
];

/// The actions the log records, as the pages name them.
pub const ACTIONS: &[(&str, &str)] = &[
    ("crear", "Creación"),
    ("editar", "Edición"),
    ("eliminar", "Eliminación"),
    ("restaurar", "Restauración"),
    ("estatus", "Cambio de estatus"),
    ("paso", "Cambio de paso"),
    ("importar", "Importación"),
    ("reordenar", "Cambio de orden"),
    ("desactivar", "Desactivación"),
    ("reactivar", "Reactivación"),
    ("activar", "Activación"),
    ("rol", "Cambio de rol"),
    ("login", "Inicio de sesión"),
    ("login_fallido", "Inicio de sesión fallido"),
    ("bloqueo", "Bloqueo por intentos"),
    ("desbloquear", "Desbloqueo"),
    ("logout", "Cierre de sesión"),
    ("cambio_contrasena", "Cambio de contraseña"),
    (
        "contrasena_migrada",
        "Contraseña del sistema anterior migrada",
    ),
    ("migrar", "Migración del sistema anterior"),
    ("tipo_cambio", "Tipo de cambio"),
    ("programa", "Programa de obra"),
    ("avance", "Avance físico"),
];

/// Fields of the log that are not on the OT form.
const OTHER_FIELDS: &[(&str, &str)] = &[
    ("estatus", "Estatus"),
    ("descripcion", "Descripción"),
    ("grupo", "Tipo o categoría"),
    ("comentario", "Comentario"),
    ("rol", "Rol"),
    ("nombre_empresa", "Nombre de la empresa"),
];

fn lookup<'a>(list: &[(&'a str, &'a str)], code: &'a str) -> &'a str {
    list.iter()
        .find(|(c, _)| *c == code)
        .map_or(code, |(_, label)| label)
}

/// A table's name for people ("OT", "Plantilla de paso"); an unknown code as it is.
pub fn table_label(code: &str) -> &str {
    lookup(TABLES, code)
}

/// An action's name for people ("Cambio de estatus"); an unknown code as it is.
pub fn action_label(code: &str) -> &str {
    lookup(ACTIONS, code)
}

/// A field's name for people: the OT form's labels ("Término real"), the log's own fields, and
/// anything already written in Spanish (a step's "Paso «…»: estatus") as it is.
pub fn field_label(code: &str) -> &str {
    let form = EDITABLE_FIELDS.iter().find(|(c, _)| *c == code);
    match form {
        Some((_, label)) => label,
        None => lookup(OTHER_FIELDS, code),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_reads_in_spanish() {
        assert_eq!(field_label("fecha_termino_real"), "Término real");
        assert_eq!(field_label("oficio_ot"), "Oficio OT");
        assert_eq!(field_label("estatus"), "Estatus");
        assert_eq!(
            field_label("Paso «Ingeniería»: inicio"),
            "Paso «Ingeniería»: inicio"
        );
        assert_eq!(table_label("step_templates"), "Plantilla de paso");
        assert_eq!(action_label("crear"), "Creación");
        assert_eq!(action_label("algo_nuevo"), "algo_nuevo");
    }
}
