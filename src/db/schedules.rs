//! Repository for schedules (W15–W18): versions with their original file, tasks, links and the
//! progress captures of tasks.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::DbConn;
use super::dates::{Day, MaybeDay};
use super::schema::{schedule_links, schedule_progress, schedule_tasks, schedule_versions};
use crate::domain::schedule::{Link, LinkType, Task};

/// Rows per multi-row insert (19 columns × 1,000 stays under SQLite's 32,766 parameters).
const BATCH: usize = 1000;

/// A version, without its file.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = schedule_versions)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct Version {
    pub id: i32,
    pub work_order_id: i32,
    pub number: i32,
    pub active: bool,
    pub source: String,
    pub file_name: String,
    pub file_size: i64,
    pub task_count: i32,
    pub link_count: i32,
    pub project_start: Option<NaiveDate>,
    pub project_finish: Option<NaiveDate>,
    pub minutes_per_day: i32,
    pub has_weights: bool,
    pub unmatched_captures: i32,
    pub progress_real: i32,
    pub progress_client: i32,
    pub created_at: NaiveDateTime,
    pub username: String,
    /// The project calendar's code (`WorkCalendar::code`).
    pub calendar: String,
}

/// Where a version's tasks came from, which says whether their UIDs identify them.
pub const SOURCE_MSPDI: &str = "mspdi";
pub const SOURCE_XLSX: &str = "xlsx";
pub const SOURCE_XLSX_UID: &str = "xlsx-uid";

impl Version {
    pub fn stable_uids(&self) -> bool {
        self.source != SOURCE_XLSX
    }
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = schedule_versions)]
pub struct NewVersion<'a> {
    pub work_order_id: i32,
    pub number: i32,
    pub active: bool,
    pub source: &'a str,
    pub file_name: &'a str,
    pub file_size: i64,
    pub content: &'a [u8],
    pub task_count: i32,
    pub link_count: i32,
    pub project_start: Option<NaiveDate>,
    pub project_finish: Option<NaiveDate>,
    pub minutes_per_day: i32,
    pub has_weights: bool,
    pub unmatched_captures: i32,
    pub created_at: NaiveDateTime,
    pub created_by: Option<i32>,
    pub username: &'a str,
    pub calendar: &'a str,
}

/// The number the next version of an OT takes.
pub fn next_number(conn: &mut DbConn, order: i32) -> QueryResult<i32> {
    let max: Option<i32> = schedule_versions::table
        .filter(schedule_versions::work_order_id.eq(order))
        .select(diesel::dsl::max(schedule_versions::number))
        .first(conn)?;
    Ok(max.unwrap_or(0) + 1)
}

pub fn deactivate(conn: &mut DbConn, order: i32) -> QueryResult<usize> {
    diesel::update(
        schedule_versions::table
            .filter(schedule_versions::work_order_id.eq(order))
            .filter(schedule_versions::active.eq(true)),
    )
    .set(schedule_versions::active.eq(false))
    .execute(conn)
}

pub fn insert_version(conn: &mut DbConn, new: &NewVersion) -> QueryResult<i32> {
    diesel::insert_into(schedule_versions::table)
        .values(new)
        .returning(schedule_versions::id)
        .get_result(conn)
}

pub fn active(conn: &mut DbConn, order: i32) -> QueryResult<Option<Version>> {
    on_backend!(conn, |c| schedule_versions::table
        .filter(schedule_versions::work_order_id.eq(order))
        .filter(schedule_versions::active.eq(true))
        .select(Version::as_select())
        .get_result(c))
    .optional()
}

pub fn by_number(conn: &mut DbConn, order: i32, number: i32) -> QueryResult<Option<Version>> {
    schedule_versions::table
        .filter(schedule_versions::work_order_id.eq(order))
        .filter(schedule_versions::number.eq(number))
        .select(Version::as_select())
        .first(conn)
        .optional()
}

/// Every version of an OT, newest first.
pub fn versions_of(conn: &mut DbConn, order: i32) -> QueryResult<Vec<Version>> {
    schedule_versions::table
        .filter(schedule_versions::work_order_id.eq(order))
        .order(schedule_versions::number.desc())
        .select(Version::as_select())
        .load(conn)
}

/// A version's original file: its name and bytes.
pub fn file_of(conn: &mut DbConn, version: i32) -> QueryResult<Option<(String, Vec<u8>)>> {
    schedule_versions::table
        .find(version)
        .select((schedule_versions::file_name, schedule_versions::content))
        .first(conn)
        .optional()
}

pub fn set_progress(conn: &mut DbConn, version: i32, real: i32, client: i32) -> QueryResult<()> {
    diesel::update(schedule_versions::table.find(version))
        .set((
            schedule_versions::progress_real.eq(real),
            schedule_versions::progress_client.eq(client),
        ))
        .execute(conn)
        .map(drop)
}

#[derive(Insertable)]
#[diesel(table_name = schedule_tasks)]
struct NewTask<'a> {
    version_id: i32,
    uid: i32,
    position: i32,
    wbs: &'a str,
    outline_level: i32,
    parent_uid: Option<i32>,
    name: &'a str,
    start: NaiveDate,
    finish: NaiveDate,
    duration_minutes: i64,
    milestone: bool,
    summary: bool,
    weight: Option<i64>,
    percent_complete: i32,
    baseline_start: Option<NaiveDate>,
    baseline_finish: Option<NaiveDate>,
    critical: bool,
    resources: &'a str,
}

/// Writes a version's tasks; answers their row ids in the same order.
pub fn insert_tasks(conn: &mut DbConn, version: i32, tasks: &[Task]) -> QueryResult<Vec<i32>> {
    for chunk in tasks.chunks(BATCH) {
        let rows: Vec<NewTask> = chunk
            .iter()
            .map(|t| NewTask {
                version_id: version,
                uid: t.uid,
                position: t.id,
                wbs: &t.wbs,
                outline_level: t.outline_level,
                parent_uid: t.parent_uid,
                name: &t.name,
                start: t.start,
                finish: t.finish,
                duration_minutes: t.duration_minutes,
                milestone: t.milestone,
                summary: t.summary,
                weight: t.weight,
                percent_complete: t.percent_complete,
                baseline_start: t.baseline_start,
                baseline_finish: t.baseline_finish,
                critical: t.critical,
                resources: &t.resources,
            })
            .collect();
        match conn {
            DbConn::Sqlite(c) => diesel::insert_into(schedule_tasks::table)
                .values(&rows)
                .execute(c)?,
            DbConn::Pg(c) => diesel::insert_into(schedule_tasks::table)
                .values(&rows)
                .execute(c)?,
        };
    }
    let ids: HashMap<i32, i32> = schedule_tasks::table
        .filter(schedule_tasks::version_id.eq(version))
        .select((schedule_tasks::uid, schedule_tasks::id))
        .load::<(i32, i32)>(conn)?
        .into_iter()
        .collect();
    Ok(tasks
        .iter()
        .map(|t| ids.get(&t.uid).copied().unwrap_or_default())
        .collect())
}

#[derive(Insertable)]
#[diesel(table_name = schedule_links)]
struct NewLink<'a> {
    version_id: i32,
    predecessor_uid: i32,
    successor_uid: i32,
    link_type: &'a str,
    lag_tenths: i64,
    lag_format: i32,
}

pub fn insert_links(conn: &mut DbConn, version: i32, links: &[Link]) -> QueryResult<()> {
    for chunk in links.chunks(BATCH * 2) {
        let rows: Vec<NewLink> = chunk
            .iter()
            .map(|l| NewLink {
                version_id: version,
                predecessor_uid: l.predecessor_uid,
                successor_uid: l.successor_uid,
                link_type: l.kind.code(),
                lag_tenths: l.lag_tenths,
                lag_format: l.lag_format,
            })
            .collect();
        match conn {
            DbConn::Sqlite(c) => diesel::insert_into(schedule_links::table)
                .values(&rows)
                .execute(c)?,
            DbConn::Pg(c) => diesel::insert_into(schedule_links::table)
                .values(&rows)
                .execute(c)?,
        };
    }
    Ok(())
}

/// A task row as read; dates through `dates::Day`/`MaybeDay` (chrono's parser is most of a row
/// on SQLite otherwise).
type TaskTuple = (
    i32,
    i32,
    i32,
    String,
    i32,
    Option<i32>,
    String,
    Day,
    Day,
    i64,
    bool,
    bool,
    Option<i64>,
    i32,
    MaybeDay,
    MaybeDay,
    bool,
    String,
);

/// A version's tasks in their order, each with its row id.
pub fn tasks_of(conn: &mut DbConn, version: i32) -> QueryResult<Vec<(i32, Task)>> {
    let rows: Vec<TaskTuple> = schedule_tasks::table
        .filter(schedule_tasks::version_id.eq(version))
        .order((schedule_tasks::position, schedule_tasks::id))
        .select((
            schedule_tasks::id,
            schedule_tasks::uid,
            schedule_tasks::position,
            schedule_tasks::wbs,
            schedule_tasks::outline_level,
            schedule_tasks::parent_uid,
            schedule_tasks::name,
            schedule_tasks::start,
            schedule_tasks::finish,
            schedule_tasks::duration_minutes,
            schedule_tasks::milestone,
            schedule_tasks::summary,
            schedule_tasks::weight,
            schedule_tasks::percent_complete,
            schedule_tasks::baseline_start,
            schedule_tasks::baseline_finish,
            schedule_tasks::critical,
            schedule_tasks::resources,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| {
            (
                r.0,
                Task {
                    uid: r.1,
                    id: r.2,
                    wbs: r.3,
                    outline_level: r.4,
                    parent_uid: r.5,
                    name: r.6,
                    start: r.7.0,
                    finish: r.8.0,
                    duration_minutes: r.9,
                    milestone: r.10,
                    summary: r.11,
                    weight: r.12,
                    percent_complete: r.13,
                    baseline_start: r.14.0,
                    baseline_finish: r.15.0,
                    critical: r.16,
                    resources: r.17,
                },
            )
        })
        .collect())
}

/// A version's links.
pub fn links_of(conn: &mut DbConn, version: i32) -> QueryResult<Vec<Link>> {
    Ok(schedule_links::table
        .filter(schedule_links::version_id.eq(version))
        .order(schedule_links::id)
        .select((
            schedule_links::predecessor_uid,
            schedule_links::successor_uid,
            schedule_links::link_type,
            schedule_links::lag_tenths,
            schedule_links::lag_format,
        ))
        .load::<(i32, i32, String, i64, i32)>(conn)?
        .into_iter()
        .map(|(p, s, kind, lag, format)| Link {
            predecessor_uid: p,
            successor_uid: s,
            kind: LinkType::from_code(&kind).unwrap_or(LinkType::FinishStart),
            lag_tenths: lag,
            lag_format: format,
        })
        .collect())
}

/// One progress capture.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = schedule_progress)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct CaptureRow {
    pub id: i32,
    pub task_id: i32,
    pub real_pct: Option<i32>,
    pub client_pct: Option<i32>,
    #[diesel(deserialize_as = super::dates::Day)]
    pub applies_on: NaiveDate,
    pub comment: String,
    #[diesel(deserialize_as = super::dates::Stamp)]
    pub created_at: NaiveDateTime,
    pub username: String,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = schedule_progress)]
pub struct NewCapture {
    pub task_id: i32,
    pub real_pct: Option<i32>,
    pub client_pct: Option<i32>,
    pub applies_on: NaiveDate,
    pub comment: String,
    pub created_at: NaiveDateTime,
    pub created_by: Option<i32>,
    pub username: String,
}

/// A version's captures, oldest first (by date, then by entry).
pub fn captures_of(conn: &mut DbConn, version: i32) -> QueryResult<Vec<CaptureRow>> {
    schedule_progress::table
        .inner_join(schedule_tasks::table)
        .filter(schedule_tasks::version_id.eq(version))
        .order((schedule_progress::applies_on, schedule_progress::id))
        .select(CaptureRow::as_select())
        .load(conn)
}

/// One task's captures, newest first.
pub fn captures_of_task(conn: &mut DbConn, task: i32) -> QueryResult<Vec<CaptureRow>> {
    schedule_progress::table
        .filter(schedule_progress::task_id.eq(task))
        .order((
            schedule_progress::applies_on.desc(),
            schedule_progress::id.desc(),
        ))
        .select(CaptureRow::as_select())
        .load(conn)
}

pub fn insert_captures(conn: &mut DbConn, rows: &[NewCapture]) -> QueryResult<()> {
    for chunk in rows.chunks(BATCH) {
        match conn {
            DbConn::Sqlite(c) => diesel::insert_into(schedule_progress::table)
                .values(chunk)
                .execute(c)?,
            DbConn::Pg(c) => diesel::insert_into(schedule_progress::table)
                .values(chunk)
                .execute(c)?,
        };
    }
    Ok(())
}

/// The version a task belongs to.
pub fn version_of_task(conn: &mut DbConn, task: i32) -> QueryResult<Option<i32>> {
    schedule_tasks::table
        .find(task)
        .select(schedule_tasks::version_id)
        .first(conn)
        .optional()
}
