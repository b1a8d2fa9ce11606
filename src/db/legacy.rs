//! W21: reading a legacy SASCOP database (`../shared/docs/legacy-ot-module.md` §1) and the map of
//! what was migrated (`legacy_map`). The legacy side is only read, in one read-only transaction
//! (repeatable read on PostgreSQL), in keyset pages so memory stays bounded.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Date, Integer, Nullable, Text, Timestamp};

use super::schema::legacy_map;
use super::{Backend, DbConn};

/// Opens the legacy database (`postgres://…`, or a SQLite file path) and starts the read-only
/// transaction every read of the migration happens in.
pub fn open(url: &str) -> Result<DbConn, String> {
    let mut conn = match Backend::from_url(url) {
        Backend::Postgres(url) => PgConnection::establish(&url)
            .map(DbConn::Pg)
            .map_err(|e| format!("no se pudo abrir la base anterior: {e}"))?,
        Backend::Sqlite(path) => {
            if !path.exists() {
                return Err(format!("no existe el archivo {}", path.display()));
            }
            SqliteConnection::establish(&path.to_string_lossy())
                .map(DbConn::Sqlite)
                .map_err(|e| format!("no se pudo abrir la base anterior: {e}"))?
        }
    };
    let begin = match conn {
        DbConn::Pg(_) => "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
        DbConn::Sqlite(_) => "PRAGMA query_only = ON; BEGIN",
    };
    conn.batch_execute(begin)
        .map_err(|e| format!("no se pudo leer la base anterior: {e}"))?;
    Ok(conn)
}

#[derive(QueryableByName)]
struct Exists {
    #[diesel(sql_type = Integer)]
    n: i32,
}

/// Whether the legacy database has this table.
pub fn has_table(conn: &mut DbConn, table: &str) -> QueryResult<bool> {
    let sql = match conn {
        DbConn::Pg(_) => {
            "SELECT CAST(COUNT(*) AS INTEGER) AS n FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_name = $1"
        }
        DbConn::Sqlite(_) => {
            "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = ?"
        }
    };
    let found: Exists = diesel::sql_query(sql)
        .bind::<Text, _>(table)
        .get_result(conn)?;
    Ok(found.n > 0)
}

#[derive(QueryableByName)]
struct Counted {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Rows of a legacy table (a name from this module's list, never user input).
pub fn count(conn: &mut DbConn, table: &'static str) -> QueryResult<i64> {
    let c: Counted =
        diesel::sql_query(format!("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM {table}"))
            .get_result(conn)?;
    Ok(c.n)
}

#[derive(QueryableByName)]
struct ColumnName {
    #[diesel(sql_type = Text)]
    name: String,
}

/// The columns of a legacy table.
fn columns(conn: &mut DbConn, table: &str) -> QueryResult<Vec<String>> {
    let sql = match conn {
        DbConn::Pg(_) => {
            "SELECT CAST(column_name AS TEXT) AS name FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = $1"
        }
        DbConn::Sqlite(_) => "SELECT name FROM pragma_table_info(?)",
    };
    Ok(diesel::sql_query(sql)
        .bind::<Text, _>(table)
        .load::<ColumnName>(conn)?
        .into_iter()
        .map(|c| c.name)
        .collect())
}

/// How a legacy column is read.
#[derive(Clone, Copy)]
pub enum Read {
    /// An integer id or number, read as BIGINT.
    Big,
    /// A small integer.
    Int,
    /// A decimal or free value, read as text (exact on both backends).
    AsText,
    /// As stored (text, dates, booleans); `null` is its typed NULL when the column is missing.
    Raw(&'static str),
}

/// One column of a legacy query: the field it fills and the column names it may have (a Django
/// foreign key `id_tipo` is the column `id_tipo_id`, unless the model named it).
pub struct Col {
    pub field: &'static str,
    pub names: &'static [&'static str],
    pub read: Read,
}

/// The SELECT list of a legacy table for these columns; a column that is not there reads as
/// NULL (the row then takes the documented default).
pub fn select_list(conn: &mut DbConn, table: &str, cols: &[Col]) -> QueryResult<String> {
    let present = columns(conn, table)?;
    let list: Vec<String> = cols
        .iter()
        .map(|c| {
            let found = c.names.iter().find(|n| present.iter().any(|p| p == *n));
            let field = c.field;
            match (found, c.read) {
                (Some(n), Read::Big) => format!("CAST(t.{n} AS BIGINT) AS {field}"),
                (Some(n), Read::Int) => format!("CAST(t.{n} AS INTEGER) AS {field}"),
                (Some(n), Read::AsText) => format!("CAST(t.{n} AS TEXT) AS {field}"),
                (Some(n), Read::Raw(_)) => format!("t.{n} AS {field}"),
                (None, Read::Big) => format!("CAST(NULL AS BIGINT) AS {field}"),
                (None, Read::Int) => format!("CAST(NULL AS INTEGER) AS {field}"),
                (None, Read::AsText) => format!("CAST(NULL AS TEXT) AS {field}"),
                (None, Read::Raw(null)) => format!("{null} AS {field}"),
            }
        })
        .collect();
    Ok(list.join(", "))
}

/// One page of a legacy table after `after` (ids ascending), with a SELECT list of `select_list`.
pub fn page<T>(
    conn: &mut DbConn,
    select: &str,
    table: &str,
    after: i64,
    limit: i64,
) -> QueryResult<Vec<T>>
where
    T: QueryableByName<<DbConn as diesel::Connection>::Backend> + 'static,
{
    let (a, b) = match conn {
        DbConn::Pg(_) => ("$1", "$2"),
        DbConn::Sqlite(_) => ("?", "?"),
    };
    diesel::sql_query(format!(
        "SELECT {select} FROM {table} t WHERE t.id > {a} ORDER BY t.id LIMIT {b}"
    ))
    .bind::<BigInt, _>(after)
    .bind::<BigInt, _>(limit)
    .load(conn)
}

/// `cliente`.
#[derive(Debug, Clone, QueryableByName)]
pub struct Client {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub descripcion: String,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub id_tipo: Option<i64>,
    #[diesel(sql_type = Nullable<Bool>)]
    pub activo: Option<bool>,
    #[diesel(sql_type = Nullable<Text>)]
    pub comentario: Option<String>,
}

pub const CLIENT: &[Col] = &[
    Col {
        field: "id",
        names: &["id"],
        read: Read::Big,
    },
    Col {
        field: "descripcion",
        names: &["descripcion"],
        read: Read::Raw("''"),
    },
    Col {
        field: "id_tipo",
        names: &["id_tipo_id", "id_tipo"],
        read: Read::Big,
    },
    Col {
        field: "activo",
        names: &["activo"],
        read: Read::Raw("NULL"),
    },
    Col {
        field: "comentario",
        names: &["comentario"],
        read: Read::Raw("NULL"),
    },
];

/// `responsable_proyecto`.
#[derive(Debug, Clone, QueryableByName)]
pub struct Manager {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub descripcion: String,
    #[diesel(sql_type = Nullable<Bool>)]
    pub activo: Option<bool>,
    #[diesel(sql_type = Nullable<Text>)]
    pub comentario: Option<String>,
}

pub const MANAGER: &[Col] = &[
    Col {
        field: "id",
        names: &["id"],
        read: Read::Big,
    },
    Col {
        field: "descripcion",
        names: &["descripcion"],
        read: Read::Raw("''"),
    },
    Col {
        field: "activo",
        names: &["activo"],
        read: Read::Raw("NULL"),
    },
    Col {
        field: "comentario",
        names: &["comentario"],
        read: Read::Raw("NULL"),
    },
];

/// `sitio` (its `id_frente` is the site's category).
#[derive(Debug, Clone, QueryableByName)]
pub struct Site {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub descripcion: String,
    #[diesel(sql_type = Nullable<Bool>)]
    pub activo: Option<bool>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub id_frente: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    pub comentario: Option<String>,
}

pub const SITE: &[Col] = &[
    Col {
        field: "id",
        names: &["id"],
        read: Read::Big,
    },
    Col {
        field: "descripcion",
        names: &["descripcion"],
        read: Read::Raw("''"),
    },
    Col {
        field: "activo",
        names: &["activo"],
        read: Read::Raw("NULL"),
    },
    Col {
        field: "id_frente",
        names: &["id_frente_id", "id_frente"],
        read: Read::Big,
    },
    Col {
        field: "comentario",
        names: &["comentario"],
        read: Read::Raw("NULL"),
    },
];

/// `paso_ot`, the step templates (`orden` is text there).
#[derive(Debug, Clone, QueryableByName)]
pub struct Template {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub descripcion: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub orden: Option<String>,
    #[diesel(sql_type = Nullable<Bool>)]
    pub activo: Option<bool>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub tipo: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    pub comentario: Option<String>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub id_tipo_cliente: Option<i64>,
}

pub const TEMPLATE: &[Col] = &[
    Col {
        field: "id",
        names: &["id"],
        read: Read::Big,
    },
    Col {
        field: "descripcion",
        names: &["descripcion"],
        read: Read::Raw("''"),
    },
    Col {
        field: "orden",
        names: &["orden"],
        read: Read::AsText,
    },
    Col {
        field: "activo",
        names: &["activo"],
        read: Read::Raw("NULL"),
    },
    Col {
        field: "tipo",
        names: &["tipo_id", "tipo"],
        read: Read::Big,
    },
    Col {
        field: "comentario",
        names: &["comentario"],
        read: Read::Raw("NULL"),
    },
    Col {
        field: "id_tipo_cliente",
        names: &["id_tipo_cliente_id", "id_tipo_cliente"],
        read: Read::Big,
    },
];

/// `pte_header`.
#[derive(Debug, Clone, QueryableByName)]
pub struct Pte {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Nullable<Text>)]
    pub oficio_pte: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub oficio_solicitud: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub descripcion_trabajo: Option<String>,
    #[diesel(sql_type = Nullable<Date>)]
    pub fecha_solicitud: Option<NaiveDate>,
    #[diesel(sql_type = Nullable<Date>)]
    pub fecha_entrega: Option<NaiveDate>,
    #[diesel(sql_type = Nullable<Text>)]
    pub plazo_dias: Option<String>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub id_responsable_proyecto: Option<i64>,
    #[diesel(sql_type = Nullable<Integer>)]
    pub estatus: Option<i32>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub id_cliente: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    pub comentario: Option<String>,
}

pub const PTE: &[Col] = &[
    Col {
        field: "id",
        names: &["id"],
        read: Read::Big,
    },
    Col {
        field: "oficio_pte",
        names: &["oficio_pte"],
        read: Read::Raw("NULL"),
    },
    Col {
        field: "oficio_solicitud",
        names: &["oficio_solicitud"],
        read: Read::Raw("NULL"),
    },
    Col {
        field: "descripcion_trabajo",
        names: &["descripcion_trabajo"],
        read: Read::Raw("NULL"),
    },
    Col {
        field: "fecha_solicitud",
        names: &["fecha_solicitud"],
        read: Read::Raw("NULL"),
    },
    Col {
        field: "fecha_entrega",
        names: &["fecha_entrega"],
        read: Read::Raw("NULL"),
    },
    Col {
        field: "plazo_dias",
        names: &["plazo_dias"],
        read: Read::AsText,
    },
    Col {
        field: "id_responsable_proyecto",
        names: &["id_responsable_proyecto_id", "id_responsable_proyecto"],
        read: Read::Big,
    },
    Col {
        field: "estatus",
        names: &["estatus"],
        read: Read::Int,
    },
    Col {
        field: "id_cliente",
        names: &["id_cliente_id", "id_cliente"],
        read: Read::Big,
    },
    Col {
        field: "comentario",
        names: &["comentario"],
        read: Read::Raw("NULL"),
    },
];

/// `ot`: amounts are read as text (exact decimals on both backends).
#[derive(Debug, Clone, QueryableByName)]
pub struct Order {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub id_tipo: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub id_pte_header: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    pub orden_trabajo: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub descripcion_trabajo: Option<String>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub id_responsable_proyecto: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    pub responsable_cliente: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub oficio_ot: Option<String>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub id_estatus_ot: Option<i64>,
    #[diesel(sql_type = Nullable<Date>)]
    pub fecha_inicio_programado: Option<NaiveDate>,
    #[diesel(sql_type = Nullable<Date>)]
    pub fecha_termino_programado: Option<NaiveDate>,
    #[diesel(sql_type = Nullable<Date>)]
    pub fecha_inicio_real: Option<NaiveDate>,
    #[diesel(sql_type = Nullable<Date>)]
    pub fecha_termino_real: Option<NaiveDate>,
    #[diesel(sql_type = Nullable<Integer>)]
    pub estatus: Option<i32>,
    #[diesel(sql_type = Nullable<Integer>)]
    pub num_reprogramacion: Option<i32>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub ot_principal: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    pub comentario: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub monto_mxn: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub monto_usd: Option<String>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub id_frente: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub id_embarcacion: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub id_plataforma: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub id_intercom: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub id_patio: Option<i64>,
    #[diesel(sql_type = Nullable<Integer>)]
    pub plazo_dias: Option<i32>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub id_cliente: Option<i64>,
    #[diesel(sql_type = Nullable<Bool>)]
    pub requiere_patio: Option<bool>,
    #[diesel(sql_type = Nullable<Date>)]
    pub fecha_inicio_patio: Option<NaiveDate>,
    #[diesel(sql_type = Nullable<Date>)]
    pub fecha_fin_patio: Option<NaiveDate>,
}

pub const ORDER: &[Col] = &[
    Col {
        field: "id",
        names: &["id"],
        read: Read::Big,
    },
    Col {
        field: "id_tipo",
        names: &["id_tipo_id", "id_tipo"],
        read: Read::Big,
    },
    Col {
        field: "id_pte_header",
        names: &["id_pte_header_id", "id_pte_header"],
        read: Read::Big,
    },
    Col {
        field: "orden_trabajo",
        names: &["orden_trabajo"],
        read: Read::Raw("NULL"),
    },
    Col {
        field: "descripcion_trabajo",
        names: &["descripcion_trabajo"],
        read: Read::Raw("NULL"),
    },
    Col {
        field: "id_responsable_proyecto",
        names: &["id_responsable_proyecto_id", "id_responsable_proyecto"],
        read: Read::Big,
    },
    Col {
        field: "responsable_cliente",
        names: &["responsable_cliente"],
        read: Read::Raw("NULL"),
    },
    Col {
        field: "oficio_ot",
        names: &["oficio_ot"],
        read: Read::Raw("NULL"),
    },
    Col {
        field: "id_estatus_ot",
        names: &["id_estatus_ot_id", "id_estatus_ot"],
        read: Read::Big,
    },
    Col {
        field: "fecha_inicio_programado",
        names: &["fecha_inicio_programado"],
        read: Read::Raw("NULL"),
    },
    Col {
        field: "fecha_termino_programado",
        names: &["fecha_termino_programado"],
        read: Read::Raw("NULL"),
    },
    Col {
        field: "fecha_inicio_real",
        names: &["fecha_inicio_real"],
        read: Read::Raw("NULL"),
    },
    Col {
        field: "fecha_termino_real",
        names: &["fecha_termino_real"],
        read: Read::Raw("NULL"),
    },
    Col {
        field: "estatus",
        names: &["estatus"],
        read: Read::Int,
    },
    Col {
        field: "num_reprogramacion",
        names: &["num_reprogramacion"],
        read: Read::Int,
    },
    Col {
        field: "ot_principal",
        names: &["ot_principal"],
        read: Read::Big,
    },
    Col {
        field: "comentario",
        names: &["comentario"],
        read: Read::Raw("NULL"),
    },
    Col {
        field: "monto_mxn",
        names: &["monto_mxn"],
        read: Read::AsText,
    },
    Col {
        field: "monto_usd",
        names: &["monto_usd"],
        read: Read::AsText,
    },
    Col {
        field: "id_frente",
        names: &["id_frente_id", "id_frente"],
        read: Read::Big,
    },
    Col {
        field: "id_embarcacion",
        names: &["id_embarcacion"],
        read: Read::Big,
    },
    Col {
        field: "id_plataforma",
        names: &["id_plataforma"],
        read: Read::Big,
    },
    Col {
        field: "id_intercom",
        names: &["id_intercom"],
        read: Read::Big,
    },
    Col {
        field: "id_patio",
        names: &["id_patio"],
        read: Read::Big,
    },
    Col {
        field: "plazo_dias",
        names: &["plazo_dias"],
        read: Read::Int,
    },
    Col {
        field: "id_cliente",
        names: &["id_cliente_id", "id_cliente"],
        read: Read::Big,
    },
    Col {
        field: "requiere_patio",
        names: &["requiere_patio"],
        read: Read::Raw("NULL"),
    },
    Col {
        field: "fecha_inicio_patio",
        names: &["fecha_inicio_patio"],
        read: Read::Raw("NULL"),
    },
    Col {
        field: "fecha_fin_patio",
        names: &["fecha_fin_patio"],
        read: Read::Raw("NULL"),
    },
];

/// `ot_detalle`, the steps.
#[derive(Debug, Clone, QueryableByName)]
pub struct Step {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub id_ot: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub estatus_paso: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub id_paso: Option<i64>,
    #[diesel(sql_type = Nullable<Date>)]
    pub fecha_entrega: Option<NaiveDate>,
    #[diesel(sql_type = Nullable<Date>)]
    pub fecha_inicio: Option<NaiveDate>,
    #[diesel(sql_type = Nullable<Date>)]
    pub fecha_termino: Option<NaiveDate>,
    #[diesel(sql_type = Nullable<Text>)]
    pub comentario: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub archivo: Option<String>,
}

pub const STEP: &[Col] = &[
    Col {
        field: "id",
        names: &["id"],
        read: Read::Big,
    },
    Col {
        field: "id_ot",
        names: &["id_ot_id", "id_ot"],
        read: Read::Big,
    },
    Col {
        field: "estatus_paso",
        names: &["estatus_paso_id", "estatus_paso"],
        read: Read::Big,
    },
    Col {
        field: "id_paso",
        names: &["id_paso_id", "id_paso"],
        read: Read::Big,
    },
    Col {
        field: "fecha_entrega",
        names: &["fecha_entrega"],
        read: Read::Raw("NULL"),
    },
    Col {
        field: "fecha_inicio",
        names: &["fecha_inicio"],
        read: Read::Raw("NULL"),
    },
    Col {
        field: "fecha_termino",
        names: &["fecha_termino"],
        read: Read::Raw("NULL"),
    },
    Col {
        field: "comentario",
        names: &["comentario"],
        read: Read::Raw("NULL"),
    },
    Col {
        field: "archivo",
        names: &["archivo"],
        read: Read::Raw("NULL"),
    },
];

/// `auth_user`.
#[derive(Debug, Clone, QueryableByName)]
pub struct User {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub username: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub first_name: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub last_name: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub email: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub password: Option<String>,
    #[diesel(sql_type = Nullable<Bool>)]
    pub is_active: Option<bool>,
    #[diesel(sql_type = Nullable<Bool>)]
    pub is_superuser: Option<bool>,
    #[diesel(sql_type = Nullable<Bool>)]
    pub is_staff: Option<bool>,
}

pub const USER: &[Col] = &[
    Col {
        field: "id",
        names: &["id"],
        read: Read::Big,
    },
    Col {
        field: "username",
        names: &["username"],
        read: Read::Raw("''"),
    },
    Col {
        field: "first_name",
        names: &["first_name"],
        read: Read::Raw("NULL"),
    },
    Col {
        field: "last_name",
        names: &["last_name"],
        read: Read::Raw("NULL"),
    },
    Col {
        field: "email",
        names: &["email"],
        read: Read::Raw("NULL"),
    },
    Col {
        field: "password",
        names: &["password"],
        read: Read::Raw("NULL"),
    },
    Col {
        field: "is_active",
        names: &["is_active"],
        read: Read::Raw("NULL"),
    },
    Col {
        field: "is_superuser",
        names: &["is_superuser"],
        read: Read::Raw("NULL"),
    },
    Col {
        field: "is_staff",
        names: &["is_staff"],
        read: Read::Raw("NULL"),
    },
];

#[derive(QueryableByName)]
struct UserId {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// The legacy users allowed to add or change work orders (Django permissions `add_ote` or
/// `change_ote`, given directly or through a group). Empty when the permission tables are not
/// there.
pub fn order_editors(conn: &mut DbConn) -> QueryResult<std::collections::HashSet<i64>> {
    let mut out = std::collections::HashSet::new();
    if has_table(conn, "auth_permission")? && has_table(conn, "auth_user_user_permissions")? {
        let direct: Vec<UserId> = diesel::sql_query(
            "SELECT CAST(up.user_id AS BIGINT) AS id FROM auth_user_user_permissions up \
             JOIN auth_permission p ON p.id = up.permission_id \
             WHERE p.codename IN ('add_ote', 'change_ote')",
        )
        .load(conn)?;
        out.extend(direct.into_iter().map(|u| u.id));
    }
    if has_table(conn, "auth_permission")?
        && has_table(conn, "auth_user_groups")?
        && has_table(conn, "auth_group_permissions")?
    {
        let grouped: Vec<UserId> = diesel::sql_query(
            "SELECT CAST(ug.user_id AS BIGINT) AS id FROM auth_user_groups ug \
             JOIN auth_group_permissions gp ON gp.group_id = ug.group_id \
             JOIN auth_permission p ON p.id = gp.permission_id \
             WHERE p.codename IN ('add_ote', 'change_ote')",
        )
        .load(conn)?;
        out.extend(grouped.into_iter().map(|u| u.id));
    }
    Ok(out)
}

/// `registro_actividad`, the activity log (`detalle` may hold HTML: stored as text).
#[derive(Debug, Clone, QueryableByName)]
pub struct Activity {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub registro_id: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    pub evento: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub campo: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub valor_anterior: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub valor_actual: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub afectacion: Option<String>,
    #[diesel(sql_type = Nullable<Timestamp>)]
    pub fecha: Option<NaiveDateTime>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub usuario_id: Option<i64>,
    #[diesel(sql_type = Nullable<Integer>)]
    pub tabla_log: Option<i32>,
    #[diesel(sql_type = Nullable<Text>)]
    pub detalle: Option<String>,
}

pub const ACTIVITY: &[Col] = &[
    Col {
        field: "id",
        names: &["id"],
        read: Read::Big,
    },
    Col {
        field: "registro_id",
        names: &["registro_id"],
        read: Read::Big,
    },
    Col {
        field: "evento",
        names: &["evento"],
        read: Read::AsText,
    },
    Col {
        field: "campo",
        names: &["campo"],
        read: Read::AsText,
    },
    Col {
        field: "valor_anterior",
        names: &["valor_anterior"],
        read: Read::AsText,
    },
    Col {
        field: "valor_actual",
        names: &["valor_actual"],
        read: Read::AsText,
    },
    Col {
        field: "afectacion",
        names: &["afectacion"],
        read: Read::AsText,
    },
    Col {
        field: "fecha",
        names: &["fecha"],
        read: Read::Raw("NULL"),
    },
    Col {
        field: "usuario_id",
        names: &["usuario_id", "usuario_id_id"],
        read: Read::Big,
    },
    Col {
        field: "tabla_log",
        names: &["tabla_log"],
        read: Read::Int,
    },
    Col {
        field: "detalle",
        names: &["detalle"],
        read: Read::AsText,
    },
];

/// What a legacy row became: (Faena id, fingerprint of the legacy content).
pub fn mapped(
    conn: &mut DbConn,
    source: &str,
    legacy_ids: &[i64],
) -> QueryResult<std::collections::HashMap<i64, (i32, String)>> {
    let mut out = std::collections::HashMap::new();
    for chunk in legacy_ids.chunks(5000) {
        let rows: Vec<(i64, i32, String)> = legacy_map::table
            .filter(legacy_map::source.eq(source))
            .filter(legacy_map::legacy_id.eq_any(chunk))
            .select((
                legacy_map::legacy_id,
                legacy_map::faena_id,
                legacy_map::fingerprint,
            ))
            .load(conn)?;
        out.extend(rows.into_iter().map(|(l, f, p)| (l, (f, p))));
    }
    Ok(out)
}

/// Every mapped row of a table: legacy id → Faena id.
pub fn all_mapped(
    conn: &mut DbConn,
    source: &str,
) -> QueryResult<std::collections::HashMap<i64, i32>> {
    Ok(legacy_map::table
        .filter(legacy_map::source.eq(source))
        .select((legacy_map::legacy_id, legacy_map::faena_id))
        .load::<(i64, i32)>(conn)?
        .into_iter()
        .collect())
}

/// Records (or updates) what legacy rows became.
pub fn remember(conn: &mut DbConn, source: &str, rows: &[(i64, i32, String)]) -> QueryResult<()> {
    for chunk in rows.chunks(500) {
        let ids: Vec<i64> = chunk.iter().map(|r| r.0).collect();
        diesel::delete(
            legacy_map::table
                .filter(legacy_map::source.eq(source))
                .filter(legacy_map::legacy_id.eq_any(&ids)),
        )
        .execute(conn)?;
        let values: Vec<_> = chunk
            .iter()
            .map(|(l, f, p)| {
                (
                    legacy_map::source.eq(source),
                    legacy_map::legacy_id.eq(*l),
                    legacy_map::faena_id.eq(*f),
                    legacy_map::fingerprint.eq(p.as_str()),
                )
            })
            .collect();
        // Multi-row inserts need the concrete backend (diesel's MultiConnection has none).
        match conn {
            DbConn::Sqlite(c) => diesel::insert_into(legacy_map::table)
                .values(values)
                .execute(c)?,
            DbConn::Pg(c) => diesel::insert_into(legacy_map::table)
                .values(values)
                .execute(c)?,
        };
    }
    Ok(())
}
