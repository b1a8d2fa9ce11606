//! Schedules (W15–W18): importing a version from MS Project XML or an Excel task list, capturing
//! progress per task (one at a time or from a workbook), and the snapshot every page, download
//! and the JSON API read. Each use case runs in one transaction; a refused file writes nothing.

use std::collections::HashMap;
use std::io::Cursor;

use chrono::{NaiveDate, NaiveDateTime};

use crate::db::schedules::{
    self as repo, CaptureRow, NewCapture, NewVersion, SOURCE_MSPDI, SOURCE_XLSX, SOURCE_XLSX_UID,
    Version,
};
use crate::db::{DbConn, activity, work_orders, write_transaction};
use crate::domain::input::FieldErrors;
use crate::domain::schedule::calendar::WorkCalendar;
use crate::domain::schedule::compare::matching;
use crate::domain::schedule::curve::{self, Capture, Point};
use crate::domain::schedule::excel::{self, TaskKey};
use crate::domain::schedule::rollup::Tree;
use crate::domain::schedule::{self, Link, Problem, Schedule, Task, mspdi, parse_percent};
use crate::services::annexes::{check_zip, read_workbook};
use crate::services::{Actor, ServiceError};

/// Largest schedule file accepted.
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;
/// Longest capture comment.
pub const MAX_COMMENT: usize = 500;

/// Why an import was refused (nothing was written).
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file's problems, in task order (the page lists the first 50).
    #[error("archivo rechazado")]
    Refused(Vec<Problem>),
    #[error("no encontrado")]
    NotFound,
    #[error("database error")]
    Db(#[from] diesel::result::Error),
}

impl ImportError {
    fn file(message: impl Into<String>) -> ImportError {
        ImportError::Refused(vec![Problem::file(message)])
    }
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub version_id: i32,
    pub number: i32,
    pub tasks: usize,
    pub links: usize,
    /// Tasks whose captures came over from the previous version.
    pub carried: usize,
    /// Tasks of the previous version with captures that match no task of this one.
    pub unmatched: usize,
}

impl Outcome {
    /// The sentence the page and the API show.
    pub fn message(&self) -> String {
        let mut m = format!(
            "Programa importado correctamente: {} tareas procesadas, {} vínculos (versión {}).",
            self.tasks, self.links, self.number
        );
        if self.carried > 0 || self.unmatched > 0 {
            m.push_str(&format!(
                " Avance conservado en {} tareas; {} tareas con avance de la versión anterior no \
                 se encontraron en esta.",
                self.carried, self.unmatched
            ));
        }
        m
    }
}

/// Reads and validates a file by its type: MSPDI `.xml`, or an `.xlsx`/`.xlsm` task list. The
/// answer names its source (see `db::schedules::SOURCE_*`).
pub fn parse_file(name: &str, bytes: &[u8]) -> Result<(Schedule, &'static str), Vec<Problem>> {
    let lower = name.trim().to_lowercase();
    let one = |m: &str| vec![Problem::file(m)];
    if bytes.is_empty() {
        return Err(one("El archivo está vacío."));
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err(one("El archivo pasa de 20 MiB."));
    }
    let (parsed, source) = if lower.ends_with(".xml") {
        (mspdi::read(bytes)?, SOURCE_MSPDI)
    } else if lower.ends_with(".xlsx") || lower.ends_with(".xlsm") {
        check_zip(bytes).map_err(|m| one(&m))?;
        let sheets = read_workbook(Cursor::new(bytes)).map_err(|m| one(&m))?;
        let s = excel::read_tasks(&sheets)?;
        let source = if s.stable_uids {
            SOURCE_XLSX_UID
        } else {
            SOURCE_XLSX
        };
        (s, source)
    } else if [".mpp", ".mpx", ".xer", ".mpt"]
        .iter()
        .any(|e| lower.ends_with(e))
    {
        return Err(one(
            "Faena no lee archivos .mpp, .mpx ni .xer directamente. Ábralo en MS Project y use \
             Archivo › Guardar como › Tipo: «Formato XML (*.xml)»; luego suba ese .xml. (En \
             ProjectLibre: Archivo › Guardar como › MS Project XML.)",
        ));
    } else {
        return Err(one(
            "Solo se aceptan programas de MS Project guardados como XML (.xml) o listas de \
             tareas de Excel (.xlsx).",
        ));
    };
    Ok((schedule::validate(parsed)?, source))
}

/// Imports a new version of an OT's schedule (gestor and admin; the route checks the role). It
/// becomes the active one only when the whole file is valid, in one transaction with its tasks,
/// links and the captures carried over from the previous version.
#[tracing::instrument(name = "service", skip_all, fields(use_case = "schedules::import", order_id = order_id))]
pub fn import(
    conn: &mut DbConn,
    order_id: i32,
    file_name: &str,
    bytes: &[u8],
    actor: &Actor,
    now: NaiveDateTime,
    today: NaiveDate,
) -> Result<Outcome, ImportError> {
    work_orders::find_visible(conn, order_id)?.ok_or(ImportError::NotFound)?;
    let (schedule, source) = parse_file(file_name, bytes).map_err(ImportError::Refused)?;
    let file_name: String = file_name.trim().chars().take(255).collect();
    if file_name.is_empty() {
        return Err(ImportError::file("El archivo no tiene nombre."));
    }
    let calendar = schedule.calendar.code();
    write_transaction(conn, |c| {
        work_orders::lock_row(c, order_id)?;
        let previous = repo::active(c, order_id)?;
        let number = repo::next_number(c, order_id)?;
        repo::deactivate(c, order_id)?;
        let span = schedule.span();
        let version_id = repo::insert_version(
            c,
            &NewVersion {
                work_order_id: order_id,
                number,
                active: true,
                source,
                file_name: &file_name,
                file_size: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
                content: bytes,
                task_count: i32::try_from(schedule.tasks.len()).unwrap_or(i32::MAX),
                link_count: i32::try_from(schedule.links.len()).unwrap_or(i32::MAX),
                project_start: span.map(|s| s.0),
                project_finish: span.map(|s| s.1),
                minutes_per_day: schedule.minutes_per_day,
                has_weights: schedule.has_weights,
                unmatched_captures: 0,
                created_at: now,
                created_by: actor.user_id,
                username: &actor.username,
                calendar: &calendar,
            },
        )?;
        let ids = repo::insert_tasks(c, version_id, &schedule.tasks)?;
        repo::insert_links(c, version_id, &schedule.links)?;
        let (carried, unmatched, mut captures) = match &previous {
            Some(p) => carry_over(c, p, &schedule, &ids)?,
            None => (0, 0, Vec::new()),
        };
        let carried_ids: std::collections::HashSet<i32> =
            captures.iter().map(|c| c.task_id).collect();
        for (t, id) in schedule.tasks.iter().zip(&ids) {
            if !t.summary && t.percent_complete > 0 && !carried_ids.contains(id) {
                captures.push(NewCapture {
                    task_id: *id,
                    real_pct: Some(t.percent_complete),
                    client_pct: None,
                    applies_on: today,
                    comment: format!("% completado del archivo «{file_name}»"),
                    created_at: now,
                    created_by: actor.user_id,
                    username: actor.username.clone(),
                });
            }
        }
        repo::insert_captures(c, &captures)?;
        if unmatched > 0 {
            use crate::db::schema::schedule_versions as v;
            use diesel::prelude::*;
            diesel::update(v::table.find(version_id))
                .set(v::unmatched_captures.eq(i32::try_from(unmatched).unwrap_or(i32::MAX)))
                .execute(c)?;
        }
        refresh_progress(c, version_id)?;
        let outcome = Outcome {
            version_id,
            number,
            tasks: schedule.tasks.len(),
            links: schedule.links.len(),
            carried,
            unmatched,
        };
        let entry = actor
            .entry(now, work_orders::TABLE, "programa", order_id)
            .detail(format!(
                "Programa de obra versión {number} importado de «{file_name}»: {} tareas, {} \
                 vínculos.",
                outcome.tasks, outcome.links
            ));
        activity::record(c, &entry)?;
        Ok(outcome)
    })
}

/// Copies the previous version's captures to the matching leaf tasks of the new one: (tasks
/// carried, tasks with captures left behind, the copies).
fn carry_over(
    c: &mut DbConn,
    previous: &Version,
    schedule: &Schedule,
    new_ids: &[i32],
) -> diesel::QueryResult<(usize, usize, Vec<NewCapture>)> {
    let old = repo::tasks_of(c, previous.id)?;
    let captures = repo::captures_of(c, previous.id)?;
    if captures.is_empty() {
        return Ok((0, 0, Vec::new()));
    }
    let old_tasks: Vec<Task> = old.iter().map(|(_, t)| t.clone()).collect();
    let by_uid = previous.stable_uids() && schedule.stable_uids;
    let found = matching(&old_tasks, &schedule.tasks, by_uid);
    let mut target: HashMap<i32, i32> = HashMap::new();
    for (n, o) in found.iter().enumerate() {
        if let Some(o) = o
            && !schedule.tasks[n].summary
        {
            target.insert(old[*o].0, new_ids[n]);
        }
    }
    let mut copies = Vec::new();
    let mut carried = std::collections::HashSet::new();
    let mut left = std::collections::HashSet::new();
    for cap in captures {
        match target.get(&cap.task_id) {
            Some(new_task) => {
                carried.insert(cap.task_id);
                copies.push(NewCapture {
                    task_id: *new_task,
                    real_pct: cap.real_pct,
                    client_pct: cap.client_pct,
                    applies_on: cap.applies_on,
                    comment: cap.comment,
                    created_at: cap.created_at,
                    created_by: None,
                    username: cap.username,
                });
            }
            None => {
                left.insert(cap.task_id);
            }
        }
    }
    Ok((carried.len(), left.len(), copies))
}

/// Recomputes a version's rolled-up physical progress (what the OT list shows).
fn refresh_progress(c: &mut DbConn, version: i32) -> diesel::QueryResult<()> {
    let Some(v) = version_by_id(c, version)? else {
        return Ok(());
    };
    let snap = Snapshot::load(c, v, NaiveDate::MAX)?;
    repo::set_progress(
        c,
        version,
        hundredths(snap.overall_real),
        hundredths(snap.overall_client),
    )
}

fn version_by_id(c: &mut DbConn, id: i32) -> diesel::QueryResult<Option<Version>> {
    use crate::db::schema::schedule_versions as v;
    use diesel::prelude::*;
    v::table
        .find(id)
        .select(Version::as_select())
        .first(c)
        .optional()
}

/// A percentage in hundredths.
pub fn hundredths(pct: f64) -> i32 {
    #[expect(clippy::cast_possible_truncation, reason = "clamped to 0..=100 first")]
    let h = (pct.clamp(0.0, 100.0) * 100.0).round() as i32;
    h
}

/// The active version with everything computed: tasks, links, each task's real, client and
/// planned % (as of `today`), the overall values, and the captures.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub version: Version,
    pub tasks: Vec<Task>,
    /// The tasks' row ids, in the same order.
    pub task_ids: Vec<i32>,
    pub links: Vec<Link>,
    pub tree: Tree,
    pub real: Vec<f64>,
    pub client: Vec<f64>,
    pub planned: Vec<f64>,
    pub overall_real: f64,
    pub overall_client: f64,
    pub overall_planned: f64,
    /// Oldest first.
    pub captures: Vec<CaptureRow>,
    pub today: NaiveDate,
    /// The project's working calendar.
    pub calendar: WorkCalendar,
}

impl Snapshot {
    pub fn active(
        c: &mut DbConn,
        order: i32,
        today: NaiveDate,
    ) -> diesel::QueryResult<Option<Snapshot>> {
        match repo::active(c, order)? {
            Some(v) => Snapshot::load(c, v, today).map(Some),
            None => Ok(None),
        }
    }

    pub fn load(
        c: &mut DbConn,
        version: Version,
        today: NaiveDate,
    ) -> diesel::QueryResult<Snapshot> {
        let rows = repo::tasks_of(c, version.id)?;
        let links = repo::links_of(c, version.id)?;
        let captures = repo::captures_of(c, version.id)?;
        let (task_ids, tasks): (Vec<i32>, Vec<Task>) = rows.into_iter().unzip();
        let tree = Tree::new(&tasks, version.has_weights, version.minutes_per_day);
        let points = capture_points(&task_ids, &captures);
        let (r, cl) = curve::values_on(tasks.len(), &points, today);
        let (real, overall_real) = tree.roll(|i| r[i]);
        let (client, overall_client) = tree.roll(|i| cl[i]);
        let calendar = WorkCalendar::from_code(&version.calendar);
        let (planned, overall_planned) = curve::planned_on(&tasks, &tree, &calendar, today);
        Ok(Snapshot {
            calendar,
            version,
            tasks,
            task_ids,
            links,
            tree,
            real,
            client,
            planned,
            overall_real,
            overall_client,
            overall_planned,
            captures,
            today,
        })
    }

    /// The weekly S-curve.
    pub fn curve(&self) -> Vec<Point> {
        let Some((start, finish)) = self.span() else {
            return Vec::new();
        };
        let points = capture_points(&self.task_ids, &self.captures);
        curve::series(
            &self.tasks,
            &self.tree,
            &self.calendar,
            &points,
            (start, finish),
            self.today,
        )
    }

    pub fn span(&self) -> Option<(NaiveDate, NaiveDate)> {
        match (self.version.project_start, self.version.project_finish) {
            (Some(s), Some(f)) => Some((s, f)),
            _ => None,
        }
    }

    /// The index of a task by its row id.
    pub fn index_of(&self, task_id: i32) -> Option<usize> {
        self.task_ids.iter().position(|t| *t == task_id)
    }

    /// The schedule as read back (for the downloads), with each leaf's % complete set to its
    /// captured real %.
    pub fn as_schedule(&self) -> Schedule {
        let mut tasks = self.tasks.clone();
        for (i, t) in tasks.iter_mut().enumerate() {
            t.percent_complete = hundredths(self.real[i]);
        }
        Schedule {
            minutes_per_day: self.version.minutes_per_day,
            start: self.version.project_start,
            finish: self.version.project_finish,
            tasks,
            links: self.links.clone(),
            has_weights: self.version.has_weights,
            stable_uids: self.version.stable_uids(),
            calendar: self.calendar.clone(),
        }
    }
}

fn capture_points(task_ids: &[i32], captures: &[CaptureRow]) -> Vec<Capture> {
    let index: HashMap<i32, usize> = task_ids.iter().enumerate().map(|(i, t)| (*t, i)).collect();
    captures
        .iter()
        .filter_map(|c| {
            Some(Capture {
                task: *index.get(&c.task_id)?,
                on: c.applies_on,
                real: c.real_pct.map(|p| f64::from(p) / 100.0),
                client: c.client_pct.map(|p| f64::from(p) / 100.0),
            })
        })
        .collect()
}

/// The capture form (W16).
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct CaptureForm {
    pub porcentaje_real: String,
    pub porcentaje_cliente: String,
    pub fecha: String,
    pub comentario: String,
}

/// The date a capture applies to: not in the future, not before the project's start.
fn capture_date(
    raw: &str,
    today: NaiveDate,
    start: Option<NaiveDate>,
) -> Result<NaiveDate, String> {
    let on = match crate::domain::format::parse_date(raw) {
        Ok(Some(d)) => d,
        Ok(None) => today,
        Err(_) => return Err("Fecha inválida: use dd/mm/aaaa.".into()),
    };
    if on > today {
        return Err("La fecha del avance no puede ser futura.".into());
    }
    if let Some(s) = start
        && on < s
    {
        return Err(format!(
            "La fecha del avance no puede ser anterior al inicio del programa ({}).",
            s.format("%d/%m/%Y")
        ));
    }
    Ok(on)
}

/// Records one task's progress (gestor and admin): real and/or client %, dated, with a comment.
#[tracing::instrument(name = "service", skip_all, fields(use_case = "schedules::capture", order_id = order_id))]
pub fn capture(
    conn: &mut DbConn,
    order_id: i32,
    task_id: i32,
    form: &CaptureForm,
    actor: &Actor,
    now: NaiveDateTime,
    today: NaiveDate,
) -> Result<(), ServiceError> {
    work_orders::find_visible(conn, order_id)?.ok_or(ServiceError::NotFound)?;
    let version = repo::active(conn, order_id)?.ok_or(ServiceError::NotFound)?;
    if repo::version_of_task(conn, task_id)? != Some(version.id) {
        return Err(ServiceError::NotFound);
    }
    let mut errors = FieldErrors::default();
    let real = parse_percent(&form.porcentaje_real).unwrap_or_else(|e| {
        errors.add("porcentaje_real", e);
        None
    });
    let client = parse_percent(&form.porcentaje_cliente).unwrap_or_else(|e| {
        errors.add("porcentaje_cliente", e);
        None
    });
    if errors.is_empty() && real.is_none() && client.is_none() {
        errors.add(
            "porcentaje_real",
            "Escriba el % real, el % aprobado por el cliente o ambos.",
        );
    }
    let on = capture_date(&form.fecha, today, version.project_start).unwrap_or_else(|e| {
        errors.add("fecha", e);
        today
    });
    let comment = form.comentario.trim();
    if comment.chars().count() > MAX_COMMENT {
        errors.add(
            "comentario",
            format!("El comentario pasa de {MAX_COMMENT} caracteres."),
        );
    }
    let tasks = repo::tasks_of(conn, version.id)?;
    let Some((_, task)) = tasks.iter().find(|(id, _)| *id == task_id) else {
        return Err(ServiceError::NotFound);
    };
    if task.summary {
        errors.add(
            "porcentaje_real",
            "El avance se captura en las tareas sin subtareas; el de una tarea resumen se \
             calcula.",
        );
    }
    if !errors.is_empty() {
        return Err(ServiceError::Invalid(errors));
    }
    let label = task.label();
    write_transaction(conn, |c| {
        work_orders::lock_row(c, order_id)?;
        // The version may have changed since it was read: the capture must land on the active one.
        if repo::active(c, order_id)?.map(|v| v.id) != Some(version.id) {
            return Err(ServiceError::Conflict(
                "Se importó otra versión del programa mientras capturaba; vuelva a capturar en \
                 la versión activa."
                    .into(),
            ));
        }
        repo::insert_captures(
            c,
            &[NewCapture {
                task_id,
                real_pct: real,
                client_pct: client,
                applies_on: on,
                comment: comment.to_owned(),
                created_at: now,
                created_by: actor.user_id,
                username: actor.username.clone(),
            }],
        )?;
        refresh_progress(c, version.id)?;
        let values = [
            real.map(|r| format!("real {} %", schedule::pct_text(r))),
            client.map(|r| format!("cliente {} %", schedule::pct_text(r))),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ");
        let entry = actor
            .entry(now, work_orders::TABLE, "avance", order_id)
            .detail(format!(
                "Avance de {label}: {values} al {}.",
                on.format("%d/%m/%Y")
            ));
        activity::record(c, &entry)?;
        Ok(())
    })
}

/// Records progress for many tasks from a workbook (W16), all or nothing. Rows without a FECHA
/// take `default_date` (blank: today).
#[expect(
    clippy::too_many_arguments,
    reason = "each argument is a distinct input of the use case; a struct would only rename them"
)]
#[tracing::instrument(name = "service", skip_all, fields(use_case = "schedules::capture_bulk", order_id = order_id))]
pub fn capture_bulk(
    conn: &mut DbConn,
    order_id: i32,
    file_name: &str,
    bytes: &[u8],
    default_date: &str,
    actor: &Actor,
    now: NaiveDateTime,
    today: NaiveDate,
) -> Result<usize, ImportError> {
    work_orders::find_visible(conn, order_id)?.ok_or(ImportError::NotFound)?;
    let Some(version) = repo::active(conn, order_id)? else {
        return Err(ImportError::file(
            "La OT no tiene programa activo: importe primero el programa.",
        ));
    };
    let lower = file_name.trim().to_lowercase();
    if !(lower.ends_with(".xlsx") || lower.ends_with(".xlsm")) {
        return Err(ImportError::file(
            "El avance en lote se carga desde un libro de Excel .xlsx.",
        ));
    }
    if bytes.is_empty() || bytes.len() > MAX_FILE_BYTES {
        return Err(ImportError::file("El archivo está vacío o pasa de 20 MiB."));
    }
    check_zip(bytes).map_err(ImportError::file)?;
    let sheets = read_workbook(Cursor::new(bytes)).map_err(ImportError::file)?;
    let (rows, mut problems) = excel::read_progress(&sheets).map_err(ImportError::Refused)?;
    let fallback = capture_date(default_date, today, version.project_start)
        .map_err(|m| ImportError::file(format!("Fecha del formulario: {m}")))?;
    let tasks = repo::tasks_of(conn, version.id)?;
    let by_uid: HashMap<i32, usize> = tasks
        .iter()
        .enumerate()
        .map(|(i, (_, t))| (t.uid, i))
        .collect();
    let by_wbs: HashMap<&str, usize> = tasks
        .iter()
        .enumerate()
        .map(|(i, (_, t))| (t.wbs.as_str(), i))
        .collect();
    let mut captures = Vec::new();
    for row in &rows {
        let found = match &row.key {
            TaskKey::Uid(u) => by_uid.get(u),
            TaskKey::Wbs(w) => by_wbs.get(w.as_str()),
        };
        let Some(&i) = found else {
            let key = match &row.key {
                TaskKey::Uid(u) => format!("UID {u}"),
                TaskKey::Wbs(w) => format!("EDT «{w}»"),
            };
            problems.push((
                row.line,
                Problem::file(format!(
                    "Fila {}: la tarea {key} no está en el programa activo.",
                    row.line
                )),
            ));
            continue;
        };
        let (id, task) = &tasks[i];
        if task.summary {
            problems.push((
                row.line,
                Problem::task(
                    Some(task.id),
                    &task.name,
                    format!(
                        "es una tarea resumen; su avance se calcula (fila {}).",
                        row.line
                    ),
                ),
            ));
            continue;
        }
        let on = match row.on {
            None => fallback,
            Some(d) => match capture_date(
                &d.format("%Y-%m-%d").to_string(),
                today,
                version.project_start,
            ) {
                Ok(d) => d,
                Err(m) => {
                    problems.push((row.line, Problem::file(format!("Fila {}: {m}", row.line))));
                    continue;
                }
            },
        };
        captures.push(NewCapture {
            task_id: *id,
            real_pct: row.real,
            client_pct: row.client,
            applies_on: on,
            comment: row.comment.chars().take(MAX_COMMENT).collect(),
            created_at: now,
            created_by: actor.user_id,
            username: actor.username.clone(),
        });
    }
    if !problems.is_empty() {
        problems.sort_by_key(|(line, _)| *line);
        return Err(ImportError::Refused(
            problems.into_iter().map(|(_, p)| p).collect(),
        ));
    }
    let count = captures.len();
    write_transaction(conn, |c| {
        work_orders::lock_row(c, order_id)?;
        if repo::active(c, order_id)?.map(|v| v.id) != Some(version.id) {
            return Err(ImportError::file(
                "Se importó otra versión del programa mientras cargaba el avance; vuelva a \
                 cargarlo.",
            ));
        }
        repo::insert_captures(c, &captures)?;
        refresh_progress(c, version.id)?;
        let entry = actor
            .entry(now, work_orders::TABLE, "avance", order_id)
            .detail(format!(
                "Avance de {count} tareas cargado de «{}».",
                file_name.trim()
            ));
        activity::record(c, &entry)?;
        Ok(count)
    })
}

/// W21: a schedule version migrated from the legacy system, stored like an import (its tasks'
/// % complete become captures dated `applies_on`, the roll-up refreshed), inside the caller's
/// transaction. An active version makes the order's current one inactive. Returns its id.
#[expect(
    clippy::too_many_arguments,
    reason = "each argument is a distinct part of the migrated version"
)]
pub fn store_migrated(
    c: &mut DbConn,
    order_id: i32,
    schedule: &Schedule,
    file_name: &str,
    content: &[u8],
    active: bool,
    actor: &Actor,
    at: NaiveDateTime,
    applies_on: NaiveDate,
) -> diesel::QueryResult<i32> {
    if active {
        repo::deactivate(c, order_id)?;
    }
    let span = schedule.span();
    let calendar = schedule.calendar.code();
    let number = repo::next_number(c, order_id)?;
    let version_id = repo::insert_version(
        c,
        &NewVersion {
            work_order_id: order_id,
            number,
            active,
            source: crate::db::schedules::SOURCE_MSPDI,
            file_name,
            file_size: i64::try_from(content.len()).unwrap_or(i64::MAX),
            content,
            task_count: i32::try_from(schedule.tasks.len()).unwrap_or(i32::MAX),
            link_count: i32::try_from(schedule.links.len()).unwrap_or(i32::MAX),
            project_start: span.map(|s| s.0),
            project_finish: span.map(|s| s.1),
            minutes_per_day: schedule.minutes_per_day,
            has_weights: schedule.has_weights,
            unmatched_captures: 0,
            created_at: at,
            created_by: actor.user_id,
            username: &actor.username,
            calendar: &calendar,
        },
    )?;
    let ids = repo::insert_tasks(c, version_id, &schedule.tasks)?;
    repo::insert_links(c, version_id, &schedule.links)?;
    let captures: Vec<NewCapture> = schedule
        .tasks
        .iter()
        .zip(&ids)
        .filter(|(t, _)| !t.summary && t.percent_complete > 0)
        .map(|(t, id)| NewCapture {
            task_id: *id,
            real_pct: Some(t.percent_complete),
            client_pct: None,
            applies_on,
            comment: format!("% completado del programa «{file_name}» (sistema anterior)"),
            created_at: at,
            created_by: actor.user_id,
            username: actor.username.clone(),
        })
        .collect();
    repo::insert_captures(c, &captures)?;
    refresh_progress(c, version_id)?;
    Ok(version_id)
}
