//! `GET /api/openapi.json`: the legacy API described for integrators (OpenAPI 3.0), generated
//! from one table so that it names every endpoint the router serves.

use actix_web::HttpResponse;
use serde_json::{Map, Value, json};

/// (method, path, summary, role, parameters as (name, required, description)).
type Endpoint = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, bool, &'static str)],
);

const ORDER_FIELDS: &[(&str, bool, &str)] = &[
    ("id_tipo", true, "4 INICIAL o 5 REPROGRAMACION"),
    ("id_pte", false, "PTE de origen (obligatoria para tipo 4)"),
    (
        "ot_principal",
        false,
        "OT inicial de la que es reprogramación (obligatoria para tipo 5)",
    ),
    (
        "orden_trabajo",
        false,
        "Folio (obligatorio para tipo 4; tipo 5 toma el de su OT principal)",
    ),
    ("oficio_ot", true, "Oficio, hasta 100 caracteres"),
    ("descripcion_trabajo", true, "Hasta 10,000 caracteres"),
    (
        "responsable_proyecto",
        true,
        "Id del responsable del proyecto",
    ),
    ("responsable_cliente", true, "Nombre, hasta 200 caracteres"),
    ("id_cliente", false, "Id del cliente"),
    ("id_frente", false, "1 TIERRA, 2 BARCO, 4 CP/PS"),
    ("id_embarcacion", false, "Sitio de categoría 6 (BARCO)"),
    ("id_plataforma", false, "Sitio de categoría 7"),
    ("id_intercom", false, "Sitio de categoría 5 (TIERRA, BARCO)"),
    (
        "id_patio",
        false,
        "Patio (categoría 3) como ubicación, frente TIERRA",
    ),
    (
        "check_fase_patio",
        false,
        "\"on\": aplica fase en patio (BARCO, CP/PS)",
    ),
    (
        "id_patio_fase",
        false,
        "Patio de la fase (obligatorio con check_fase_patio)",
    ),
    ("fecha_inicio_patio", false, "AAAA-MM-DD o dd/mm/aaaa"),
    ("fecha_fin_patio", false, "AAAA-MM-DD o dd/mm/aaaa"),
    (
        "monto_mxn",
        false,
        "1234.5, 1,234.50 o $1,234.50; vacío = 0",
    ),
    ("monto_usd", false, "Igual que monto_mxn"),
    ("fecha_inicio_programado", false, "Fecha"),
    (
        "fecha_termino_programado",
        false,
        "Fecha; vacía con inicio y plazo: inicio + plazo − 1",
    ),
    ("fecha_inicio_real", false, "Fecha"),
    ("fecha_termino_real", false, "Fecha"),
    ("plazo_dias", false, "Entero ≥ 0"),
    (
        "comentario_general",
        false,
        "Comentario (también «comentario»)",
    ),
];

const ENDPOINTS: &[Endpoint] = &[
    (
        "post",
        "/operaciones/ot/crear-ot-reprogramacion/",
        "Crea una OT y sus pasos (W1–W4, W6). Responde id_nuevo.",
        "gestor",
        ORDER_FIELDS,
    ),
    (
        "post",
        "/operaciones/ot/crear-desde-pte/",
        "Creación rápida POR DEFINIR desde una PTE (W2).",
        "gestor",
        &[
            ("pte_id", true, "PTE"),
            ("oficio", true, "Folio de la OT"),
            ("tipo_ot", false, "4 (por omisión) o 5"),
            ("ot_principal", false, "Para tipo 5"),
        ],
    ),
    (
        "post",
        "/operaciones/ot/editar/",
        "Edita una OT (W5). Con «version» responde 409 si otra persona guardó antes.",
        "gestor",
        &[
            ("id", true, "OT"),
            ("version", false, "La de obtener_datos"),
            ("…", false, "Los campos de crear-ot-reprogramacion"),
        ],
    ),
    (
        "post",
        "/operaciones/ot/eliminar/",
        "Eliminación lógica (W7).",
        "gestor",
        &[("id", true, "OT")],
    ),
    (
        "get",
        "/operaciones/ot/obtener_datos/",
        "Datos de una OT para edición, con «version».",
        "consulta",
        &[("id", true, "OT")],
    ),
    (
        "get",
        "/operaciones/ot/datatable/",
        "Lista de OT en el protocolo de DataTables (W12), con avance (W10).",
        "consulta",
        &[
            ("draw", false, "Eco"),
            ("start", false, "Desplazamiento"),
            ("length", false, "Filas; -1 = todas (máximo 1000)"),
            ("search[value]", false, "Texto"),
            ("filtro", false, "Texto (folio, oficio, PTE, descripción)"),
            (
                "order[0][column]",
                false,
                "1 id, 2 folio, 3 oficio, 4 inicio real, 5 término real, 9 estatus",
            ),
            ("order[0][dir]", false, "asc o desc"),
            ("tipo", false, "4 (por omisión) o 5"),
            ("ot_principal", false, "Reprogramaciones de una OT"),
            ("estatus", false, "Estatus de OT"),
            ("responsable_proyecto", false, "Id"),
            ("id_cliente", false, "Id"),
            ("anio", false, "Año del oficio o del inicio programado"),
            ("sitio", false, "Cualquiera de los cuatro sitios"),
        ],
    ),
    (
        "get",
        "/operaciones/ot/obtener_ot_iniciales/",
        "Las 1000 OT iniciales más recientes no eliminadas.",
        "consulta",
        &[],
    ),
    (
        "post",
        "/operaciones/ot/cambiar_estatus_ot/",
        "Cambia el estatus de la OT (W8); el comentario va al historial.",
        "gestor",
        &[
            ("ot_id", true, "OT"),
            ("nuevo_estatus_id", true, "5, 6, 7, 8, 9, 10, 11 o 16"),
            ("fecha_entrega", false, "Para TERMINADA (hoy si vacía)"),
            ("comentario", false, "Historial"),
            ("version", false, "409 si cambió"),
        ],
    ),
    (
        "get",
        "/operaciones/ot/obtener_sitios_frente/",
        "Sitios activos de una categoría.",
        "consulta",
        &[(
            "frente_id",
            true,
            "3 PATIO, 5 INTERCOM, 6 EMBARCACION, 7 PLATAFORMA",
        )],
    ),
    (
        "get",
        "/operaciones/ot/obtener_sitios/",
        "Todos los sitios activos.",
        "consulta",
        &[],
    ),
    (
        "get",
        "/operaciones/ot/detalle/datatable/",
        "Pasos de una OT (DataTables).",
        "consulta",
        &[
            ("ot_id", true, "OT"),
            ("draw", false, "Eco"),
            ("start", false, "Desplazamiento"),
            ("length", false, "Filas"),
        ],
    ),
    (
        "post",
        "/operaciones/ot/cambiar_estatus_paso/",
        "Cambia el estatus de un paso (W9).",
        "gestor",
        &[
            ("paso_id", true, "Paso"),
            ("nuevo_estatus", true, "1, 2, 3, 4 o 14"),
            ("fecha_entrega", false, "Para COMPLETADO (hoy si vacía)"),
            ("comentario", false, "Comentario del paso"),
        ],
    ),
    (
        "post",
        "/operaciones/ot/actualizar-fecha/",
        "Fecha de un paso; bloqueada en COMPLETADO o NO APLICA.",
        "gestor",
        &[
            ("id_paso", true, "Paso"),
            ("fecha", true, "Fecha; vacía la borra"),
            ("tipo", true, "1 inicio, 2 término, 3 entrega"),
        ],
    ),
    (
        "post",
        "/operaciones/ot/guardar_archivo_ot/",
        "Enlace al entregable: solo http/https.",
        "gestor",
        &[
            ("paso_id", true, "Paso"),
            ("archivo", true, "URL; vacía la borra"),
        ],
    ),
    (
        "get",
        "/operaciones/ot/obtener_progreso_general_ot/",
        "Avance de una OT (W10).",
        "consulta",
        &[("ot_id", true, "OT")],
    ),
    (
        "post",
        "/operaciones/ot/importar-mpp/",
        "Importa una versión del programa de obra (W15): MS Project XML (MSPDI) o lista de \
         tareas .xlsx, todo o nada; responde version_id. multipart/form-data.",
        "gestor",
        &[
            ("ot_id", true, "OT"),
            (
                "archivo",
                true,
                "Archivo .xml (MSPDI) o .xlsx, hasta 20 MiB",
            ),
        ],
    ),
    (
        "get",
        "/operaciones/produccion/obtener_arbol_mpp/",
        "Árbol de tareas del programa activo (W18): wbs, nombre, fecha_inicio, fecha_fin \
         (dd/mm/aaaa), duracion_dias, porcentaje_mpp (ponderación), recursos, uid_project, \
         padre_uid, porcentaje_real, porcentaje_cliente, porcentaje_planeado, _children.",
        "consulta",
        &[("ot_id", true, "OT")],
    ),
];

/// The method and path of every endpoint described (a test compares them with the routes).
pub fn described() -> Vec<(&'static str, &'static str)> {
    ENDPOINTS.iter().map(|(m, p, ..)| (*m, *p)).collect()
}

fn operation(method: &str, summary: &str, role: &str, params: &[(&str, bool, &str)]) -> Value {
    let fields: Map<String, Value> = params
        .iter()
        .map(|(name, _, description)| {
            (
                (*name).to_owned(),
                json!({"type": "string", "description": description}),
            )
        })
        .collect();
    let required: Vec<&str> = params
        .iter()
        .filter(|(_, r, _)| *r)
        .map(|(n, ..)| *n)
        .collect();
    let mut op = json!({
        "summary": summary,
        "description": format!("Requiere sesión y rol {role} o superior."),
        "responses": {
            "200": {"description": "Éxito", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Respuesta"}}}},
            "400": {"description": "Parámetros con formato inválido"},
            "401": {"description": "Sin sesión"},
            "403": {"description": "Rol insuficiente o token CSRF ausente o inválido"},
            "404": {"description": "La OT o el paso no existe o fue eliminado"},
            "409": {"description": "Versión vieja, duplicado o estado que no lo permite"},
            "422": {"description": "Validación: «errores» tiene un mensaje por campo"},
        }
    });
    if method == "get" {
        op["parameters"] = params
            .iter()
            .map(|(name, req, description)| json!({"name": name, "in": "query", "required": req, "description": description, "schema": {"type": "string"}}))
            .collect();
    } else {
        let media = if params.iter().any(|(n, ..)| *n == "archivo") && summary.contains("multipart")
        {
            "multipart/form-data"
        } else {
            "application/x-www-form-urlencoded"
        };
        op["requestBody"] = json!({
            "required": true,
            "content": {media: {"schema": {"type": "object", "properties": fields, "required": required}}}
        });
        op["parameters"] = json!([{"name": "X-CSRF-Token", "in": "header", "required": false, "description": "Token CSRF de la sesión (o el campo csrf_token)", "schema": {"type": "string"}}]);
    }
    op
}

/// The document.
pub fn spec() -> Value {
    let mut paths = Map::new();
    for (method, path, summary, role, params) in ENDPOINTS {
        let entry = paths.entry((*path).to_owned()).or_insert_with(|| json!({}));
        entry[*method] = operation(method, summary, role, params);
    }
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "Faena — API de órdenes de trabajo (compatible con el sistema anterior)",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Rutas, parámetros y llaves del módulo de OT anterior, con las reglas W1–W14 de Faena. Sesión por cookie (POST /login), token CSRF en X-CSRF-Token."
        },
        "paths": paths,
        "components": {"schemas": {"Respuesta": {
            "type": "object",
            "properties": {
                "exito": {"type": "boolean"},
                "tipo_aviso": {"type": "string", "enum": ["exito", "error", "advertencia"]},
                "detalles": {"type": "string"},
                "id_nuevo": {"type": "integer"},
                "errores": {"type": "object", "additionalProperties": {"type": "string"}}
            }
        }}}
    })
}

#[tracing::instrument(name = "handler", skip_all, fields(handler = "api::openapi::document"))]
pub async fn document() -> HttpResponse {
    HttpResponse::Ok().json(spec())
}
