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

/// The legacy tables some of whose rows were migrated. On PostgreSQL the map's statistics are
/// refreshed first, so that the lookups of a re-run use its primary key.
pub fn mapped_sources(conn: &mut DbConn) -> QueryResult<std::collections::HashSet<String>> {
    if let DbConn::Pg(_) = conn {
        conn.batch_execute("ANALYZE legacy_map")?;
    }
    Ok(legacy_map::table
        .select(legacy_map::source)
        .distinct()
        .load::<String>(conn)?
        .into_iter()
        .collect())
}

/// Records what legacy rows became; with `replace`, rows recorded before are replaced (a
/// re-run), else they are all new (a table migrated for the first time: no lookups).
pub fn remember(
    conn: &mut DbConn,
    source: &str,
    rows: &[(i64, i32, String)],
    replace: bool,
) -> QueryResult<()> {
    for chunk in rows.chunks(500) {
        if replace {
            let ids: Vec<i64> = chunk.iter().map(|r| r.0).collect();
            diesel::delete(
                legacy_map::table
                    .filter(legacy_map::source.eq(source))
                    .filter(legacy_map::legacy_id.eq_any(&ids)),
            )
            .execute(conn)?;
        }
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

// ---- What the migration writes into Faena ------------------------------------------------

use super::schema::{
    clients, planning_docs, project_managers, sites, step_templates, steps, users, work_orders,
};

/// A work order as migrated (every stored field; `id` kept from the legacy row into an empty
/// database, else `None` for a new id).
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = work_orders, treat_none_as_null = true)]
pub struct OrderRow {
    pub id: Option<i32>,
    pub kind_id: i32,
    pub planning_doc_id: Option<i32>,
    pub folio: String,
    pub oficio: String,
    pub description: String,
    pub project_manager_id: i32,
    pub client_representative: String,
    pub client_id: Option<i32>,
    pub status_id: i32,
    pub record_state: i32,
    pub parent_id: Option<i32>,
    pub revision: Option<i32>,
    pub planned_start: Option<NaiveDate>,
    pub planned_end: Option<NaiveDate>,
    pub real_start: Option<NaiveDate>,
    pub real_end: Option<NaiveDate>,
    pub duration_days: Option<i32>,
    pub amount_mxn: i64,
    pub amount_usd: i64,
    pub front_id: Option<i32>,
    pub vessel_site_id: Option<i32>,
    pub platform_site_id: Option<i32>,
    pub intercom_site_id: Option<i32>,
    pub yard_site_id: Option<i32>,
    pub requires_yard: bool,
    pub yard_start: Option<NaiveDate>,
    pub yard_end: Option<NaiveDate>,
    pub comment: String,
    pub list_year: Option<i32>,
    pub search_text: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A step as migrated.
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = steps, treat_none_as_null = true)]
pub struct StepRow {
    pub id: Option<i32>,
    pub work_order_id: i32,
    pub template_id: i32,
    pub description: String,
    pub position: i32,
    pub status_id: i32,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub delivery_date: Option<NaiveDate>,
    pub comment: String,
    pub link: Option<String>,
    pub updated_at: NaiveDateTime,
}

/// A PTE as migrated.
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = planning_docs, treat_none_as_null = true)]
pub struct PteRow {
    pub id: Option<i32>,
    pub folio: String,
    pub request_letter: String,
    pub description: String,
    pub client_id: Option<i32>,
    pub project_manager_id: Option<i32>,
    pub request_date: Option<NaiveDate>,
    pub delivery_date: Option<NaiveDate>,
    pub duration_days: Option<i32>,
    pub status: i32,
    pub record_state: i32,
    pub comment: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A catalog entry as migrated (clients, project managers, sites: `group` is the client type or
/// the site category).
#[derive(Debug, Clone)]
pub struct EntryRow {
    pub id: Option<i32>,
    pub description: String,
    pub group: Option<i32>,
    pub comment: String,
    pub active: bool,
}

/// A step template as migrated.
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = step_templates, treat_none_as_null = true)]
pub struct TemplateRow {
    pub id: Option<i32>,
    pub set_id: i32,
    pub description: String,
    pub sort_order: i32,
    pub client_type_id: Option<i32>,
    pub comment: String,
    pub active: bool,
}

/// Which catalog an `EntryRow` goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryTable {
    Clients,
    Managers,
    Sites,
}

/// The existing entries of a catalog: (id, description, group).
pub fn entries(conn: &mut DbConn, t: EntryTable) -> QueryResult<Vec<(i32, String, Option<i32>)>> {
    match t {
        EntryTable::Clients => clients::table
            .select((clients::id, clients::description, clients::client_type_id))
            .load(conn),
        EntryTable::Managers => project_managers::table
            .select((
                project_managers::id,
                project_managers::description,
                diesel::dsl::sql::<Nullable<Integer>>("NULL"),
            ))
            .load(conn),
        EntryTable::Sites => sites::table
            .select((sites::id, sites::description, sites::category_id.nullable()))
            .load(conn),
    }
}

/// Moves a PostgreSQL sequence past the table's highest id: rows written with their legacy ids
/// would otherwise collide with the next generated one.
fn sync_sequence(conn: &mut DbConn, table: &str) -> QueryResult<()> {
    if let DbConn::Pg(_) = conn {
        conn.batch_execute(&format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
             GREATEST((SELECT COALESCE(MAX(id), 0) FROM {table}), 1))"
        ))?;
    }
    Ok(())
}

/// Inserts or (with `update`) rewrites a catalog entry; returns its id.
pub fn write_entry(
    conn: &mut DbConn,
    t: EntryTable,
    row: &EntryRow,
    update: Option<i32>,
) -> QueryResult<i32> {
    if update.is_none() && row.id.is_none() {
        let table = match t {
            EntryTable::Clients => "clients",
            EntryTable::Managers => "project_managers",
            EntryTable::Sites => "sites",
        };
        sync_sequence(conn, table)?;
    }
    macro_rules! write {
        ($table:ident, $group:expr) => {{
            let values = (
                $table::description.eq(&row.description),
                $table::comment.eq(&row.comment),
                $table::active.eq(row.active),
            );
            match (update, row.id) {
                (Some(id), _) => {
                    diesel::update($table::table.find(id))
                        .set(values)
                        .execute(conn)?;
                    $group(conn, id)?;
                    Ok(id)
                }
                (None, Some(id)) => {
                    diesel::insert_into($table::table)
                        .values(($table::id.eq(id), values))
                        .execute(conn)?;
                    $group(conn, id)?;
                    Ok(id)
                }
                (None, None) => {
                    let id = diesel::insert_into($table::table)
                        .values(values)
                        .returning($table::id)
                        .get_result(conn)?;
                    $group(conn, id)?;
                    Ok(id)
                }
            }
        }};
    }
    let group = row.group;
    match t {
        EntryTable::Clients => write!(clients, |c: &mut DbConn, id: i32| {
            diesel::update(clients::table.find(id))
                .set(clients::client_type_id.eq(group))
                .execute(c)
        }),
        EntryTable::Managers => write!(project_managers, |_: &mut DbConn, _: i32| {
            QueryResult::Ok(0)
        }),
        EntryTable::Sites => {
            // A site needs its category: the caller skips sites without one.
            let category = group.unwrap_or_default();
            match (update, row.id) {
                (Some(id), _) => {
                    diesel::update(sites::table.find(id))
                        .set((
                            sites::description.eq(&row.description),
                            sites::comment.eq(&row.comment),
                            sites::active.eq(row.active),
                            sites::category_id.eq(category),
                        ))
                        .execute(conn)?;
                    Ok(id)
                }
                (None, Some(id)) => {
                    diesel::insert_into(sites::table)
                        .values((
                            sites::id.eq(id),
                            sites::description.eq(&row.description),
                            sites::comment.eq(&row.comment),
                            sites::active.eq(row.active),
                            sites::category_id.eq(category),
                        ))
                        .execute(conn)?;
                    Ok(id)
                }
                (None, None) => diesel::insert_into(sites::table)
                    .values((
                        sites::description.eq(&row.description),
                        sites::comment.eq(&row.comment),
                        sites::active.eq(row.active),
                        sites::category_id.eq(category),
                    ))
                    .returning(sites::id)
                    .get_result(conn),
            }
        }
    }
}

/// The existing step templates: (id, set, description).
pub fn templates(conn: &mut DbConn) -> QueryResult<Vec<(i32, i32, String, i32)>> {
    step_templates::table
        .select((
            step_templates::id,
            step_templates::set_id,
            step_templates::description,
            step_templates::sort_order,
        ))
        .load(conn)
}

macro_rules! upsert_fn {
    ($(#[$doc:meta])* $name:ident, $row:ty, $table:ident) => {
        $(#[$doc])*
        pub fn $name(conn: &mut DbConn, row: &$row, update: Option<i32>) -> QueryResult<i32> {
            match update {
                Some(id) => {
                    diesel::update($table::table.find(id)).set(row).execute(conn)?;
                    Ok(id)
                }
                None => diesel::insert_into($table::table)
                    .values(row)
                    .returning($table::id)
                    .get_result(conn),
            }
        }
    };
}

upsert_fn!(
    /// Inserts (id kept when given) or rewrites a step template.
    write_template_row, TemplateRow, step_templates
);

/// Inserts (id kept when given) or rewrites a step template.
pub fn write_template(
    conn: &mut DbConn,
    row: &TemplateRow,
    update: Option<i32>,
) -> QueryResult<i32> {
    if update.is_none() && row.id.is_none() {
        sync_sequence(conn, "step_templates")?;
    }
    write_template_row(conn, row, update)
}
upsert_fn!(
    /// Inserts (id kept when given) or rewrites a PTE.
    write_pte, PteRow, planning_docs
);
upsert_fn!(
    /// Inserts (id kept when given) or rewrites a work order.
    write_order, OrderRow, work_orders
);
upsert_fn!(
    /// Inserts (id kept when given) or rewrites a step.
    write_step, StepRow, steps
);

/// Inserts many new orders with their own ids at once.
pub fn insert_orders(conn: &mut DbConn, rows: &[OrderRow]) -> QueryResult<()> {
    for chunk in rows.chunks(200) {
        match conn {
            DbConn::Sqlite(c) => diesel::insert_into(work_orders::table)
                .values(chunk)
                .execute(c)?,
            DbConn::Pg(c) => diesel::insert_into(work_orders::table)
                .values(chunk)
                .execute(c)?,
        };
    }
    Ok(())
}

/// Inserts many new steps at once (the bulk of a migration).
pub fn insert_steps(conn: &mut DbConn, rows: &[StepRow]) -> QueryResult<()> {
    for chunk in rows.chunks(500) {
        if chunk.iter().all(|r| r.id.is_some()) || chunk.iter().all(|r| r.id.is_none()) {
            match conn {
                DbConn::Sqlite(c) => diesel::insert_into(steps::table).values(chunk).execute(c)?,
                DbConn::Pg(c) => diesel::insert_into(steps::table).values(chunk).execute(c)?,
            };
        } else {
            for r in chunk {
                write_step(conn, r, None)?;
            }
        }
    }
    Ok(())
}

/// (id, kind, PTE, folio, parent, revision) of an order.
pub type OrderKeys = (i32, i32, Option<i32>, String, Option<i32>, Option<i32>);

/// Initial orders' folios, PTEs and reprogrammings' (parent, revision) among non-deleted orders
/// (the unique indexes of W2 and W4): (id, kind, PTE, folio, parent, revision).
pub fn order_keys(conn: &mut DbConn) -> QueryResult<Vec<OrderKeys>> {
    work_orders::table
        .filter(crate::db::prepared::code_is_not::<
            { crate::domain::codes::record_state::DELETED },
            _,
        >(work_orders::record_state))
        .select((
            work_orders::id,
            work_orders::kind_id,
            work_orders::planning_doc_id,
            work_orders::folio,
            work_orders::parent_id,
            work_orders::revision,
        ))
        .load(conn)
}

/// Whether Faena holds no orders and no PTEs yet (ids are then kept from the legacy rows).
pub fn faena_is_empty(conn: &mut DbConn) -> QueryResult<bool> {
    let orders: i64 = work_orders::table.count().get_result(conn)?;
    let ptes: i64 = planning_docs::table.count().get_result(conn)?;
    Ok(orders == 0 && ptes == 0)
}

/// A user as migrated.
pub fn write_user(
    conn: &mut DbConn,
    row: &super::users::NewUser<'_>,
    email: &str,
    update: Option<i32>,
) -> QueryResult<i32> {
    match update {
        Some(id) => {
            diesel::update(users::table.find(id))
                .set((
                    users::display_name.eq(row.display_name),
                    users::role.eq(row.role),
                    users::active.eq(row.active),
                    users::email.eq(email),
                    users::updated_at.eq(row.updated_at),
                ))
                .execute(conn)?;
            Ok(id)
        }
        None => {
            let id = super::users::insert(conn, row)?;
            diesel::update(users::table.find(id))
                .set(users::email.eq(email))
                .execute(conn)?;
            Ok(id)
        }
    }
}

/// The id of the Faena user with this username.
pub fn user_by_name(conn: &mut DbConn, username: &str) -> QueryResult<Option<i32>> {
    users::table
        .filter(users::username.eq(username))
        .select(users::id)
        .first(conn)
        .optional()
}

/// After rows were written with their own ids, PostgreSQL's sequences must move past them.
pub fn reset_sequences(conn: &mut DbConn) -> QueryResult<()> {
    for table in [
        "clients",
        "project_managers",
        "sites",
        "step_templates",
        "planning_docs",
        "work_orders",
        "steps",
        "users",
        "activity_log",
    ] {
        sync_sequence(conn, table)?;
    }
    Ok(())
}

#[derive(QueryableByName)]
struct Tally {
    #[diesel(sql_type = BigInt)]
    order_id: i64,
    #[diesel(sql_type = BigInt)]
    total: i64,
    #[diesel(sql_type = BigInt)]
    completed: i64,
    #[diesel(sql_type = BigInt)]
    not_applicable: i64,
}

/// Per legacy order: (steps, completed, not applicable), for the verification.
pub fn legacy_step_tallies(
    conn: &mut DbConn,
) -> QueryResult<std::collections::HashMap<i64, (i64, i64, i64)>> {
    let select = select_list(conn, Step::TABLE, STEP)?;
    let rows: Vec<Tally> = diesel::sql_query(format!(
        "SELECT CAST(s.id_ot AS BIGINT) AS order_id, CAST(COUNT(*) AS BIGINT) AS total, \
         CAST(SUM(CASE WHEN s.estatus_paso = 3 THEN 1 ELSE 0 END) AS BIGINT) AS completed, \
         CAST(SUM(CASE WHEN s.estatus_paso = 14 THEN 1 ELSE 0 END) AS BIGINT) AS not_applicable \
         FROM (SELECT {select} FROM {} t) s GROUP BY s.id_ot",
        Step::TABLE
    ))
    .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|t| (t.order_id, (t.total, t.completed, t.not_applicable)))
        .collect())
}

impl Step {
    pub const TABLE: &'static str = "ot_detalle";
}

// ---- Units, the master concept catalog and the annex imports (legacy §1.4, §1.6) -----------

/// `unidad_medida`.
#[derive(Debug, Clone, QueryableByName)]
pub struct Unit {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Nullable<Text>)]
    pub descripcion: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub clave: Option<String>,
    #[diesel(sql_type = Nullable<Bool>)]
    pub activo: Option<bool>,
}

pub const UNIT: &[Col] = &[
    Col {
        field: "id",
        names: &["id"],
        read: Read::Big,
    },
    Col {
        field: "descripcion",
        names: &["descripcion"],
        read: Read::AsText,
    },
    Col {
        field: "clave",
        names: &["clave"],
        read: Read::AsText,
    },
    Col {
        field: "activo",
        names: &["activo"],
        read: Read::Raw("NULL"),
    },
];

/// `contrato_concepto_maestro`: prices read as text (exact).
#[derive(Debug, Clone, QueryableByName)]
pub struct Concept {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Nullable<Text>)]
    pub partida_ordinaria: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub partida_extraordinaria: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub descripcion: Option<String>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub unidad_medida: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    pub precio_unitario_mn: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub precio_unitario_usd: Option<String>,
    #[diesel(sql_type = Nullable<Bool>)]
    pub activo: Option<bool>,
}

pub const CONCEPT: &[Col] = &[
    Col {
        field: "id",
        names: &["id"],
        read: Read::Big,
    },
    Col {
        field: "partida_ordinaria",
        names: &["partida_ordinaria"],
        read: Read::AsText,
    },
    Col {
        field: "partida_extraordinaria",
        names: &["partida_extraordinaria"],
        read: Read::AsText,
    },
    Col {
        field: "descripcion",
        names: &["descripcion"],
        read: Read::AsText,
    },
    Col {
        field: "unidad_medida",
        names: &["unidad_medida_id", "unidad_medida", "id_unidad_medida_id"],
        read: Read::Big,
    },
    Col {
        field: "precio_unitario_mn",
        names: &["precio_unitario_mn"],
        read: Read::AsText,
    },
    Col {
        field: "precio_unitario_usd",
        names: &["precio_unitario_usd"],
        read: Read::AsText,
    },
    Col {
        field: "activo",
        names: &["activo"],
        read: Read::Raw("NULL"),
    },
];

/// `importacion_anexo`.
#[derive(Debug, Clone, QueryableByName)]
pub struct AnnexImport {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub ot: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    pub archivo_excel: Option<String>,
    #[diesel(sql_type = Nullable<Timestamp>)]
    pub fecha_carga: Option<NaiveDateTime>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub usuario_carga: Option<i64>,
    #[diesel(sql_type = Nullable<Integer>)]
    pub total_registros: Option<i32>,
    #[diesel(sql_type = Nullable<Bool>)]
    pub es_activo: Option<bool>,
}

pub const ANNEX_IMPORT: &[Col] = &[
    Col {
        field: "id",
        names: &["id"],
        read: Read::Big,
    },
    Col {
        field: "ot",
        names: &["ot_id", "ot", "id_ot_id"],
        read: Read::Big,
    },
    Col {
        field: "archivo_excel",
        names: &["archivo_excel"],
        read: Read::AsText,
    },
    Col {
        field: "fecha_carga",
        names: &["fecha_carga"],
        read: Read::Raw("NULL"),
    },
    Col {
        field: "usuario_carga",
        names: &["usuario_carga_id", "usuario_carga"],
        read: Read::Big,
    },
    Col {
        field: "total_registros",
        names: &["total_registros"],
        read: Read::Int,
    },
    Col {
        field: "es_activo",
        names: &["es_activo"],
        read: Read::Raw("NULL"),
    },
];

/// `partida_anexo_importada`: volumes and prices read as text (exact).
#[derive(Debug, Clone, QueryableByName)]
pub struct AnnexItem {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub importacion_anexo: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    pub id_partida: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub descripcion_concepto: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub anexo: Option<String>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub unidad_medida: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    pub volumen_proyectado: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub precio_unitario_mn: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub precio_unitario_usd: Option<String>,
    #[diesel(sql_type = Nullable<Integer>)]
    pub orden_fila: Option<i32>,
}

pub const ANNEX_ITEM: &[Col] = &[
    Col {
        field: "id",
        names: &["id"],
        read: Read::Big,
    },
    Col {
        field: "importacion_anexo",
        names: &["importacion_anexo_id", "importacion_anexo"],
        read: Read::Big,
    },
    Col {
        field: "id_partida",
        names: &["id_partida"],
        read: Read::AsText,
    },
    Col {
        field: "descripcion_concepto",
        names: &["descripcion_concepto"],
        read: Read::AsText,
    },
    Col {
        field: "anexo",
        names: &["anexo"],
        read: Read::AsText,
    },
    Col {
        field: "unidad_medida",
        names: &["unidad_medida_id", "unidad_medida"],
        read: Read::Big,
    },
    Col {
        field: "volumen_proyectado",
        names: &["volumen_proyectado"],
        read: Read::AsText,
    },
    Col {
        field: "precio_unitario_mn",
        names: &["precio_unitario_mn"],
        read: Read::AsText,
    },
    Col {
        field: "precio_unitario_usd",
        names: &["precio_unitario_usd"],
        read: Read::AsText,
    },
    Col {
        field: "orden_fila",
        names: &["orden_fila"],
        read: Read::Int,
    },
];

/// `partida_proyectada`, the daily programmed volumes.
#[derive(Debug, Clone, QueryableByName)]
pub struct AnnexDaily {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub partida_anexo: Option<i64>,
    #[diesel(sql_type = Nullable<Date>)]
    pub fecha: Option<NaiveDate>,
    #[diesel(sql_type = Nullable<Text>)]
    pub volumen_programado: Option<String>,
}

pub const ANNEX_DAILY: &[Col] = &[
    Col {
        field: "id",
        names: &["id"],
        read: Read::Big,
    },
    Col {
        field: "partida_anexo",
        names: &["partida_anexo_id", "partida_anexo"],
        read: Read::Big,
    },
    Col {
        field: "fecha",
        names: &["fecha"],
        read: Read::Raw("NULL"),
    },
    Col {
        field: "volumen_programado",
        names: &["volumen_programado"],
        read: Read::AsText,
    },
];

use super::schema::{annex_imports, annex_items, units};

/// Faena's units: (id, clave).
pub fn units_by_clave(conn: &mut DbConn) -> QueryResult<Vec<(i32, String)>> {
    units::table.select((units::id, units::clave)).load(conn)
}

/// Adds a unit or rewrites one (`update`).
pub fn write_unit(
    conn: &mut DbConn,
    clave: &str,
    description: &str,
    active: bool,
    update: Option<i32>,
) -> QueryResult<i32> {
    match update {
        Some(id) => {
            diesel::update(units::table.find(id))
                .set((
                    units::clave.eq(clave),
                    units::description.eq(description),
                    units::active.eq(active),
                ))
                .execute(conn)?;
            Ok(id)
        }
        None => diesel::insert_into(units::table)
            .values((
                units::clave.eq(clave),
                units::description.eq(description),
                units::active.eq(active),
            ))
            .returning(units::id)
            .get_result(conn),
    }
}

/// An annex item as migrated.
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = annex_items)]
pub struct AnnexItemRow {
    pub import_id: i32,
    pub row_number: i32,
    pub annex: String,
    pub code: String,
    pub description: String,
    pub unit: String,
    pub volume: i64,
    pub price_mxn: i64,
    pub price_usd: i64,
}

/// Adds an annex item or rewrites one (`update`).
pub fn write_annex_item(
    conn: &mut DbConn,
    row: &AnnexItemRow,
    update: Option<i32>,
) -> QueryResult<i32> {
    match update {
        Some(id) => {
            diesel::update(annex_items::table.find(id))
                .set(row)
                .execute(conn)?;
            Ok(id)
        }
        None => diesel::insert_into(annex_items::table)
            .values(row)
            .returning(annex_items::id)
            .get_result(conn),
    }
}

/// The row numbers already taken in an import.
pub fn annex_rows(conn: &mut DbConn, import: i32) -> QueryResult<Vec<i32>> {
    annex_items::table
        .filter(annex_items::import_id.eq(import))
        .select(annex_items::row_number)
        .load(conn)
}

/// The annex import an item belongs to.
pub fn import_of_item(conn: &mut DbConn, item: i32) -> QueryResult<Option<i32>> {
    annex_items::table
        .find(item)
        .select(annex_items::import_id)
        .first(conn)
        .optional()
}

/// The migrated imports' item counts and daily span (after their items and days are in).
pub fn refresh_imports(conn: &mut DbConn, ids: &[i32], now: NaiveDateTime) -> QueryResult<()> {
    for &id in ids {
        let rows: i64 = annex_items::table
            .filter(annex_items::import_id.eq(id))
            .count()
            .get_result(conn)?;
        super::annexes::touch_import(conn, id, i32::try_from(rows).unwrap_or(i32::MAX), now)?;
    }
    Ok(())
}

/// Whether an order already has an active annex import (W14: at most one).
pub fn active_import_of(conn: &mut DbConn, order: i32) -> QueryResult<Option<i32>> {
    annex_imports::table
        .filter(annex_imports::work_order_id.eq(order))
        .filter(annex_imports::active.eq(true))
        .select(annex_imports::id)
        .first(conn)
        .optional()
}

// ---- Schedules (legacy §1.7) ---------------------------------------------------------------

/// `importacion_cronograma`, one schedule version.
#[derive(Debug, Clone, QueryableByName)]
pub struct ScheduleVersion {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub id_ot: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    pub nombre_version: Option<String>,
    #[diesel(sql_type = Nullable<Timestamp>)]
    pub fecha_carga: Option<NaiveDateTime>,
    #[diesel(sql_type = Nullable<Bool>)]
    pub es_activo: Option<bool>,
    #[diesel(sql_type = Nullable<Date>)]
    pub fecha_inicio_proyecto: Option<NaiveDate>,
    #[diesel(sql_type = Nullable<Date>)]
    pub fecha_fin_proyecto: Option<NaiveDate>,
}

pub const SCHEDULE_VERSION: &[Col] = &[
    Col {
        field: "id",
        names: &["id"],
        read: Read::Big,
    },
    Col {
        field: "id_ot",
        names: &["id_ot_id", "id_ot", "ot_id"],
        read: Read::Big,
    },
    Col {
        field: "nombre_version",
        names: &["nombre_version"],
        read: Read::AsText,
    },
    Col {
        field: "fecha_carga",
        names: &["fecha_carga"],
        read: Read::Raw("NULL"),
    },
    Col {
        field: "es_activo",
        names: &["es_activo"],
        read: Read::Raw("NULL"),
    },
    Col {
        field: "fecha_inicio_proyecto",
        names: &["fecha_inicio_proyecto"],
        read: Read::Raw("NULL"),
    },
    Col {
        field: "fecha_fin_proyecto",
        names: &["fecha_fin_proyecto"],
        read: Read::Raw("NULL"),
    },
];

/// `importacion_cronograma_tarea`: numbers read as text (exact).
#[derive(Debug, Clone, QueryableByName)]
pub struct ScheduleTask {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub uid_project: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub id_project: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    pub wbs: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub nombre: Option<String>,
    #[diesel(sql_type = Nullable<Integer>)]
    pub nivel_esquema: Option<i32>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub padre_uid: Option<i64>,
    #[diesel(sql_type = Nullable<Date>)]
    pub fecha_inicio: Option<NaiveDate>,
    #[diesel(sql_type = Nullable<Date>)]
    pub fecha_fin: Option<NaiveDate>,
    #[diesel(sql_type = Nullable<Text>)]
    pub duracion_dias: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub porcentaje_mpp: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub porcentaje_completado: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub recursos: Option<String>,
}

pub const SCHEDULE_TASK: &[Col] = &[
    Col {
        field: "id",
        names: &["id"],
        read: Read::Big,
    },
    Col {
        field: "uid_project",
        names: &["uid_project"],
        read: Read::Big,
    },
    Col {
        field: "id_project",
        names: &["id_project"],
        read: Read::Big,
    },
    Col {
        field: "wbs",
        names: &["wbs"],
        read: Read::AsText,
    },
    Col {
        field: "nombre",
        names: &["nombre"],
        read: Read::AsText,
    },
    Col {
        field: "nivel_esquema",
        names: &["nivel_esquema"],
        read: Read::Int,
    },
    Col {
        field: "padre_uid",
        names: &["padre_uid"],
        read: Read::Big,
    },
    Col {
        field: "fecha_inicio",
        names: &["fecha_inicio"],
        read: Read::Raw("NULL"),
    },
    Col {
        field: "fecha_fin",
        names: &["fecha_fin"],
        read: Read::Raw("NULL"),
    },
    Col {
        field: "duracion_dias",
        names: &["duracion_dias"],
        read: Read::AsText,
    },
    Col {
        field: "porcentaje_mpp",
        names: &["porcentaje_mpp"],
        read: Read::AsText,
    },
    Col {
        field: "porcentaje_completado",
        names: &["porcentaje_completado"],
        read: Read::AsText,
    },
    Col {
        field: "recursos",
        names: &["recursos"],
        read: Read::AsText,
    },
];

/// `importacion_cronograma_dependencia`.
#[derive(Debug, Clone, QueryableByName)]
pub struct ScheduleLink {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub tarea_predecesora_uid: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub tarea_sucesora_uid: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    pub tipo: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub lag_dias: Option<String>,
}

pub const SCHEDULE_LINK: &[Col] = &[
    Col {
        field: "id",
        names: &["id"],
        read: Read::Big,
    },
    Col {
        field: "tarea_predecesora_uid",
        names: &["tarea_predecesora_uid"],
        read: Read::Big,
    },
    Col {
        field: "tarea_sucesora_uid",
        names: &["tarea_sucesora_uid"],
        read: Read::Big,
    },
    Col {
        field: "tipo",
        names: &["tipo"],
        read: Read::AsText,
    },
    Col {
        field: "lag_dias",
        names: &["lag_dias"],
        read: Read::AsText,
    },
];

/// The rows of a legacy table that belong to one parent row (`fk` among its Django names), in id
/// order: a schedule version's tasks or links.
pub fn children<T>(
    conn: &mut DbConn,
    table: &str,
    cols: &[Col],
    fk: &[&str],
    parent: i64,
) -> QueryResult<Vec<T>>
where
    T: QueryableByName<<DbConn as diesel::Connection>::Backend> + 'static,
{
    let present = columns(conn, table)?;
    let Some(fk) = fk.iter().find(|n| present.iter().any(|p| p == *n)) else {
        return Ok(Vec::new());
    };
    let select = select_list(conn, table, cols)?;
    let p = match conn {
        DbConn::Pg(_) => "$1",
        DbConn::Sqlite(_) => "?",
    };
    diesel::sql_query(format!(
        "SELECT {select} FROM {table} t WHERE t.{fk} = {p} ORDER BY t.id"
    ))
    .bind::<BigInt, _>(parent)
    .load(conn)
}

// ---- Code catalogs: `tipo`, `cat_estatus`, `frente` (legacy §1.0, §1.4) ---------------------

/// A row of a code catalog.
#[derive(Debug, Clone, QueryableByName)]
pub struct CodeRow {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Nullable<Text>)]
    pub descripcion: Option<String>,
    #[diesel(sql_type = Nullable<Integer>)]
    pub nivel_afectacion: Option<i32>,
    #[diesel(sql_type = Nullable<Text>)]
    pub comentario: Option<String>,
    #[diesel(sql_type = Nullable<Bool>)]
    pub activo: Option<bool>,
}

pub const CODE: &[Col] = &[
    Col {
        field: "id",
        names: &["id"],
        read: Read::Big,
    },
    Col {
        field: "descripcion",
        names: &["descripcion"],
        read: Read::AsText,
    },
    Col {
        field: "nivel_afectacion",
        names: &["nivel_afectacion", "nivel_afectacion_id"],
        read: Read::Int,
    },
    Col {
        field: "comentario",
        names: &["comentario"],
        read: Read::AsText,
    },
    Col {
        field: "activo",
        names: &["activo"],
        read: Read::Raw("NULL"),
    },
];

/// Faena's code tables the legacy `tipo`, `cat_estatus` and `frente` go to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeTable {
    Kinds,
    Statuses,
    Fronts,
}

/// The codes Faena has: (id, description).
pub fn codes(conn: &mut DbConn, t: CodeTable) -> QueryResult<Vec<(i32, String)>> {
    use super::schema::{fronts, kinds, statuses};
    match t {
        CodeTable::Kinds => kinds::table
            .select((kinds::id, kinds::description))
            .load(conn),
        CodeTable::Statuses => statuses::table
            .select((statuses::id, statuses::description))
            .load(conn),
        CodeTable::Fronts => fronts::table
            .select((fronts::id, fronts::description))
            .load(conn),
    }
}

/// Adds a legacy code Faena does not have, with its legacy id when free.
pub fn insert_code(
    conn: &mut DbConn,
    t: CodeTable,
    id: Option<i32>,
    description: &str,
    scope: i32,
    comment: &str,
    active: bool,
) -> QueryResult<i32> {
    use super::schema::{fronts, kinds, statuses};
    macro_rules! insert {
        ($table:ident, $name:literal) => {{
            let values = (
                $table::description.eq(description),
                $table::scope.eq(scope),
                $table::comment.eq(comment),
                $table::active.eq(active),
            );
            match id {
                Some(id) => {
                    diesel::insert_into($table::table)
                        .values(($table::id.eq(id), values))
                        .execute(conn)?;
                    Ok(id)
                }
                None => {
                    sync_sequence(conn, $name)?;
                    diesel::insert_into($table::table)
                        .values(values)
                        .returning($table::id)
                        .get_result(conn)
                }
            }
        }};
    }
    match t {
        CodeTable::Kinds => insert!(kinds, "kinds"),
        CodeTable::Statuses => insert!(statuses, "statuses"),
        CodeTable::Fronts => insert!(fronts, "fronts"),
    }
}
