//! `faena check` and `faena backup`: the database's health for monitoring (reachable, migrations
//! current, integrity, orphan rows) and a consistent copy of a SQLite database while it serves.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use diesel_migrations::MigrationHarness;

use super::{DbConn, PG_MIGRATIONS, SQLITE_MIGRATIONS};

/// One check's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub check: &'static str,
    pub ok: bool,
    pub detail: String,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct Line {
    #[diesel(sql_type = Text)]
    line: String,
}

fn count(conn: &mut DbConn, sql: &str) -> QueryResult<i64> {
    diesel::sql_query(sql)
        .get_result::<Count>(conn)
        .map(|c| c.n)
}

/// Every check, in order. Errors of the database itself become failed findings.
pub fn check(conn: &mut DbConn) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut push = |check, result: Result<(bool, String), String>| {
        out.push(match result {
            Ok((ok, detail)) => Finding { check, ok, detail },
            Err(e) => Finding {
                check,
                ok: false,
                detail: e,
            },
        });
    };
    let pending = match conn {
        DbConn::Sqlite(c) => c.pending_migrations(SQLITE_MIGRATIONS).map(|p| p.len()),
        DbConn::Pg(c) => c.pending_migrations(PG_MIGRATIONS).map(|p| p.len()),
    };
    push(
        "migraciones",
        pending
            .map(|n| {
                (
                    n == 0,
                    if n == 0 {
                        "al día".to_owned()
                    } else {
                        format!("{n} pendientes: ejecute «faena migrate»")
                    },
                )
            })
            .map_err(|e| e.to_string()),
    );
    let integrity = match conn {
        DbConn::Sqlite(_) => {
            diesel::sql_query("SELECT integrity_check AS line FROM pragma_integrity_check")
                .load::<Line>(conn)
                .map(|lines| {
                    let ok = lines.len() == 1 && lines[0].line == "ok";
                    (
                        ok,
                        if ok {
                            "ok".to_owned()
                        } else {
                            lines
                                .iter()
                                .take(5)
                                .map(|l| l.line.clone())
                                .collect::<Vec<_>>()
                                .join("; ")
                        },
                    )
                })
        }
        DbConn::Pg(_) => count(
            conn,
            "SELECT COUNT(*) AS n FROM pg_constraint WHERE NOT convalidated",
        )
        .map(|n| {
            (
                n == 0,
                if n == 0 {
                    "restricciones validadas".to_owned()
                } else {
                    format!("{n} restricciones sin validar")
                },
            )
        }),
    };
    push("integridad", integrity.map_err(|e| e.to_string()));
    let foreign = match conn {
        DbConn::Sqlite(_) => count(conn, "SELECT COUNT(*) AS n FROM pragma_foreign_key_check"),
        DbConn::Pg(_) => Ok(0),
    };
    push(
        "llaves foráneas",
        foreign
            .map(|n| {
                (
                    n == 0,
                    if n == 0 {
                        "sin referencias rotas".to_owned()
                    } else {
                        format!("{n} referencias rotas")
                    },
                )
            })
            .map_err(|e| e.to_string()),
    );
    let orphans = count(
        conn,
        "SELECT COUNT(*) AS n FROM steps s WHERE NOT EXISTS \
         (SELECT 1 FROM work_orders o WHERE o.id = s.work_order_id)",
    )
    .and_then(|steps| {
        count(
            conn,
            "SELECT COUNT(*) AS n FROM work_orders o WHERE o.record_state = 1 AND NOT EXISTS \
             (SELECT 1 FROM steps s WHERE s.work_order_id = o.id)",
        )
        .map(|orders| (steps, orders))
    });
    push(
        "huérfanos",
        orphans
            .map(|(steps, orders)| {
                (
                    steps == 0 && orders == 0,
                    format!("{steps} pasos sin OT, {orders} OT activas sin pasos"),
                )
            })
            .map_err(|e| e.to_string()),
    );
    out
}

/// The process's open-file limit, as `/proc/self/limits` says (Linux).
pub fn open_file_limit() -> Option<u64> {
    std::fs::read_to_string("/proc/self/limits")
        .ok()?
        .lines()
        .find(|l| l.starts_with("Max open files"))?
        .split_whitespace()
        .nth(3)?
        .parse()
        .ok()
}

/// Copies a SQLite database into `target` while it may be serving (`VACUUM INTO`: one
/// consistent snapshot). PostgreSQL is backed up with `pg_dump` (the README has the line).
pub fn backup_sqlite(conn: &mut DbConn, target: &std::path::Path) -> Result<(), String> {
    let DbConn::Sqlite(c) = conn else {
        return Err(
            "En PostgreSQL use pg_dump (vea el README): «faena backup» copia bases SQLite.".into(),
        );
    };
    if target.exists() {
        return Err(format!(
            "{} ya existe: elija otro nombre.",
            target.display()
        ));
    }
    let path = target.to_string_lossy().replace('\'', "''");
    c.batch_execute(&format!("VACUUM INTO '{path}'"))
        .map_err(|e| format!("no se pudo copiar: {e}"))
}
