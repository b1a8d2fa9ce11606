//! The OT's "Programa" tab (W15–W17): the tree grid with planned, real and client %, the capture
//! of one task's progress, the S-curve, the versions with their files and comparison, the
//! uploads (schedule and bulk progress) and the downloads (.xlsx, MSPDI .xml, S-curve CSV).

use std::collections::HashMap;

use actix_multipart::Multipart;
use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::{Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::db::schedules::{self as repo, Version};
use crate::db::{DbConn, work_orders};
use crate::domain::format;
use crate::domain::role::Role;
use crate::domain::schedule::compare::{Diff, diff};
use crate::domain::schedule::curve::Point;
use crate::domain::schedule::{PROBLEMS_SHOWN, Problem, mspdi, pct_text, weight_text};
use crate::error::AppError;
use crate::services::Actor;
use crate::services::schedules::{
    self as service, CaptureForm, ImportError, MAX_FILE_BYTES, Snapshot,
};
use crate::web::AppState;
use crate::web::auth::CurrentUser;
use crate::web::page::{Flasher, PageCtx, flash, render};
use crate::web::response::{refused, see_other};
use crate::web::{blocking, download, upload};

/// Session key of a refused capture (post/redirect/get keeps what was typed).
const CAPTURE_DRAFT: &str = "avance_borrador";

/// A refused capture, kept for the next page.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct CaptureDraft {
    task_id: i32,
    form: CaptureForm,
    errors: Vec<(String, String)>,
}

fn pct(v: f64) -> String {
    pct_text(service::hundredths(v))
}

/// One row of the tree grid.
pub struct GridRow {
    pub task_id: i32,
    pub id: i32,
    pub wbs: String,
    pub name: String,
    pub level: i32,
    pub days: String,
    pub start: String,
    pub finish: String,
    pub weight: String,
    pub planned: String,
    pub real: String,
    pub client: String,
    pub resources: String,
    pub late: bool,
    pub milestone: bool,
    pub critical: bool,
    /// A summary row shown expanded.
    pub open: bool,
}

/// The tree grid as a flat sequence: a summary opens a `<details>` group, its children follow,
/// and the group closes.
pub enum GridItem {
    Open(GridRow),
    Leaf(GridRow),
    Close,
}

/// The capture panel of one task.
pub struct CapturePanel {
    pub task_id: i32,
    pub label: String,
    pub real: String,
    pub client: String,
    pub planned: String,
    pub form: CaptureForm,
    pub errors: HashMap<String, String>,
    pub history: Vec<HistoryRow>,
}

impl CapturePanel {
    pub fn error(&self, field: &str) -> Option<&String> {
        self.errors.get(field)
    }
}

pub struct HistoryRow {
    pub on: String,
    pub real: String,
    pub client: String,
    pub comment: String,
    pub user: String,
    pub at: String,
}

/// A version in the list.
pub struct VersionRow {
    pub number: i32,
    pub file: String,
    pub at: String,
    pub user: String,
    pub tasks: i32,
    pub links: i32,
    pub start: String,
    pub finish: String,
    pub active: bool,
}

/// The S-curve drawn as SVG (coordinates in a 960 × 360 box) and its values.
pub struct CurveView {
    pub planned: String,
    pub real: String,
    pub client: String,
    /// x and label of each month's first week.
    pub months: Vec<(f64, String)>,
    pub today_x: Option<f64>,
    /// The "Hoy" label goes left of its line near the right edge.
    pub today_left: bool,
    /// y and label of the horizontal grid lines.
    pub grid: Vec<(f64, u32)>,
    pub rows: Vec<CurveRow>,
}

pub struct CurveRow {
    pub week: String,
    pub planned: String,
    pub real: String,
    pub client: String,
}

const CHART_W: f64 = 960.0;
const CHART_H: f64 = 360.0;
const LEFT: f64 = 48.0;
const RIGHT: f64 = 24.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 40.0;

fn curve_view(points: &[Point], today: NaiveDate) -> Option<CurveView> {
    let first = points.first()?;
    let n = points.len();
    #[expect(clippy::cast_precision_loss, reason = "a few hundred weeks")]
    let step = (CHART_W - LEFT - RIGHT) / (n.max(2) - 1) as f64;
    #[expect(clippy::cast_precision_loss, reason = "a few hundred weeks")]
    let x = |i: usize| LEFT + step * i as f64;
    let y = |v: f64| TOP + (CHART_H - TOP - BOTTOM) * (1.0 - v.clamp(0.0, 100.0) / 100.0);
    let line = |value: &dyn Fn(&Point) -> Option<f64>| {
        points
            .iter()
            .enumerate()
            .filter_map(|(i, p)| value(p).map(|v| format!("{:.1},{:.1}", x(i), y(v))))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut months = Vec::new();
    let mut last_month = None;
    for (i, p) in points.iter().enumerate() {
        let end = p.week + chrono::Duration::days(6);
        let key = (end.year(), end.month());
        if last_month != Some(key) {
            last_month = Some(key);
            let label = format::month_short(end);
            let label = if end.month() == 1 || months.is_empty() {
                format!("{label} {}", end.year())
            } else {
                label.to_owned()
            };
            months.push((x(i), label));
        }
    }
    // Too many labels overlap: keep every second or third month on long schedules.
    let keep = months.len().div_ceil(18).max(1);
    // A label that would run past the right edge is left out.
    let months = months
        .into_iter()
        .enumerate()
        .filter(|(i, (x, _))| i % keep == 0 && (*i == 0 || *x < CHART_W - 56.0))
        .map(|(_, m)| m)
        .collect();
    let days = (today - first.week).num_days();
    #[expect(clippy::cast_precision_loss, reason = "days are small")]
    let today_x = (days >= 0 && days <= i64::try_from(n).unwrap_or(0) * 7)
        .then(|| LEFT + step * (days as f64 / 7.0));
    let today_left = today_x.is_some_and(|x| x > CHART_W - 80.0);
    Some(CurveView {
        today_left,
        planned: line(&|p| Some(p.planned)),
        real: line(&|p| p.real),
        client: line(&|p| p.client),
        months,
        today_x,
        grid: (0..=5).map(|k| (y(f64::from(k * 20)), k * 20)).collect(),
        rows: points
            .iter()
            .map(|p| CurveRow {
                week: format::date(Some(p.week)),
                planned: format!("{:.2}", p.planned),
                real: p.real.map(|v| format!("{v:.2}")).unwrap_or_default(),
                client: p.client.map(|v| format!("{v:.2}")).unwrap_or_default(),
            })
            .collect(),
    })
}

/// Tree grid filters, from the query string.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct GridQuery {
    /// Show summaries expanded down to this outline level (0 or blank: all).
    pub nivel: String,
    /// `1`: only late tasks (real below planned) and their summaries.
    pub atrasadas: String,
    /// The task whose capture panel is open.
    pub tarea: String,
}

fn grid(snap: &Snapshot, depth: Option<i32>, only_late: bool) -> Vec<GridItem> {
    let n = snap.tasks.len();
    let tree = &snap.tree;
    let late = |i: usize| snap.real[i] + 0.05 < snap.planned[i];
    // Which rows show: with the filter, late leaves and the summaries above them (children come
    // before their parents in the tree's post-order, so one pass decides).
    let mut shown = vec![!only_late; n];
    if only_late {
        for &i in tree.post_order() {
            shown[i] = if tree.is_leaf(i) {
                late(i)
            } else {
                tree.children(i).iter().any(|&c| shown[c])
            };
        }
    }
    let mpd = snap.version.minutes_per_day;
    let row = |i: usize| {
        let t = &snap.tasks[i];
        GridRow {
            task_id: snap.task_ids[i],
            id: t.id,
            wbs: t.wbs.clone(),
            name: t.name.clone(),
            level: t.outline_level.clamp(0, 12),
            days: {
                let d = t.days(mpd);
                let s = format!("{d:.2}");
                s.trim_end_matches('0').trim_end_matches('.').to_owned()
            },
            start: format::date(Some(t.start)),
            finish: format::date(Some(t.finish)),
            weight: t.weight.map(weight_text).unwrap_or_default(),
            planned: pct(snap.planned[i]),
            real: pct(snap.real[i]),
            client: pct(snap.client[i]),
            resources: t.resources.clone(),
            late: late(i),
            milestone: t.milestone,
            critical: t.critical,
            open: depth.is_none_or(|d| t.outline_level < d),
        }
    };
    let mut out = Vec::with_capacity(n + n / 4);
    let mut stack: Vec<(usize, bool)> = tree.roots().iter().rev().map(|&r| (r, false)).collect();
    while let Some((i, closing)) = stack.pop() {
        if closing {
            out.push(GridItem::Close);
            continue;
        }
        if !shown[i] {
            continue;
        }
        if tree.is_leaf(i) {
            out.push(GridItem::Leaf(row(i)));
        } else {
            out.push(GridItem::Open(row(i)));
            stack.push((i, true));
            stack.extend(tree.children(i).iter().rev().map(|&c| (c, false)));
        }
    }
    out
}

fn version_row(v: &Version) -> VersionRow {
    VersionRow {
        number: v.number,
        file: v.file_name.clone(),
        at: format::timestamp(v.created_at),
        user: v.username.clone(),
        tasks: v.task_count,
        links: v.link_count,
        start: format::date(v.project_start),
        finish: format::date(v.project_finish),
        active: v.active,
    }
}

#[derive(Template)]
#[template(path = "work_orders/schedule.html")]
struct SchedulePage {
    ctx: PageCtx,
    id: i32,
    folio: String,
    can_edit: bool,
    active: Option<ActiveView>,
    versions: Vec<VersionRow>,
    nivel: String,
    only_late: bool,
    capture: Option<CapturePanel>,
    /// A refused capture whose task has no panel (a summary task): its message.
    notice: Option<String>,
    today: String,
}

/// The active version as the page shows it.
pub struct ActiveView {
    pub number: i32,
    pub file: String,
    pub at: String,
    pub user: String,
    pub start: String,
    pub finish: String,
    pub real: String,
    pub client: String,
    pub planned: String,
    pub real_value: f64,
    pub client_value: f64,
    pub planned_value: f64,
    pub weights: bool,
    pub unmatched: i32,
    pub tasks: usize,
    pub shown: usize,
    pub grid: Vec<GridItem>,
    pub curve: Option<CurveView>,
}

fn active_view(snap: &Snapshot, depth: Option<i32>, only_late: bool) -> ActiveView {
    let grid = grid(snap, depth, only_late);
    let shown = grid
        .iter()
        .filter(|g| !matches!(g, GridItem::Close))
        .count();
    let v = &snap.version;
    ActiveView {
        number: v.number,
        file: v.file_name.clone(),
        at: format::timestamp(v.created_at),
        user: v.username.clone(),
        start: format::date(v.project_start),
        finish: format::date(v.project_finish),
        real: pct(snap.overall_real),
        client: pct(snap.overall_client),
        planned: pct(snap.overall_planned),
        real_value: snap.overall_real,
        client_value: snap.overall_client,
        planned_value: snap.overall_planned,
        weights: v.has_weights,
        unmatched: v.unmatched_captures,
        tasks: snap.tasks.len(),
        shown,
        grid,
        curve: curve_view(&snap.curve(), snap.today),
    }
}

fn capture_panel(
    c: &mut DbConn,
    snap: &Snapshot,
    task_id: i32,
    draft: Option<CaptureDraft>,
) -> diesel::QueryResult<Option<CapturePanel>> {
    let Some(i) = snap.index_of(task_id) else {
        return Ok(None);
    };
    if !snap.tree.is_leaf(i) {
        return Ok(None);
    }
    let history = repo::captures_of_task(c, task_id)?
        .into_iter()
        .map(|h| HistoryRow {
            on: format::date(Some(h.applies_on)),
            real: h.real_pct.map(pct_text).unwrap_or_default(),
            client: h.client_pct.map(pct_text).unwrap_or_default(),
            comment: h.comment,
            user: h.username,
            at: format::timestamp(h.created_at),
        })
        .collect();
    let (form, errors) = match draft.filter(|d| d.task_id == task_id) {
        Some(d) => (d.form, d.errors.into_iter().collect()),
        None => (
            CaptureForm {
                fecha: format::date(Some(snap.today)),
                ..CaptureForm::default()
            },
            HashMap::new(),
        ),
    };
    Ok(Some(CapturePanel {
        task_id,
        label: snap.tasks[i].label(),
        real: pct(snap.real[i]),
        client: pct(snap.client[i]),
        planned: pct(snap.planned[i]),
        form,
        errors,
        history,
    }))
}

/// `GET /ot/{id}/programa`
#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "work_orders::schedule::page")
)]
pub async fn page(
    state: web::Data<AppState>,
    ctx: PageCtx,
    session: Session,
    user: CurrentUser,
    path: web::Path<i32>,
    query: web::Query<GridQuery>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let today = state.clock.today();
    let depth = query.nivel.trim().parse::<i32>().ok().filter(|d| *d > 0);
    let only_late = query.atrasadas.trim() == "1";
    let task = query.tarea.trim().parse::<i32>().ok();
    let draft = crate::web::page::take::<CaptureDraft>(&session, CAPTURE_DRAFT);
    let can_edit = user.role.allows(Role::Gestor);
    let notice_of = draft.as_ref().map(|d| {
        d.errors
            .iter()
            .map(|(_, m)| m.clone())
            .collect::<Vec<_>>()
            .join(" ")
    });
    let (folio, active, versions, capture) = blocking(&state, move |c| -> Result<_, AppError> {
        let order = work_orders::find_visible(c, id)?.ok_or(AppError::NotFound)?;
        let versions = repo::versions_of(c, id)?;
        // The active version is among them: not read again.
        let snap = match versions.iter().find(|v| v.active) {
            Some(v) => Some(Snapshot::load(c, v.clone(), today)?),
            None => None,
        };
        let capture = match (&snap, task.or(draft.as_ref().map(|d| d.task_id))) {
            (Some(s), Some(t)) if can_edit => capture_panel(c, s, t, draft)?,
            _ => None,
        };
        let active = snap.as_ref().map(|s| active_view(s, depth, only_late));
        Ok((order.folio, active, versions, capture))
    })
    .await??;
    let notice = if capture.is_none() { notice_of } else { None };
    render(
        StatusCode::OK,
        &SchedulePage {
            ctx,
            id,
            folio,
            can_edit,
            active,
            versions: versions.iter().map(version_row).collect(),
            nivel: depth.map(|d| d.to_string()).unwrap_or_default(),
            only_late,
            capture,
            notice,
            today: format::date(Some(today)),
        },
    )
}

#[derive(Template)]
#[template(path = "work_orders/schedule_refused.html")]
struct RefusedPage {
    ctx: PageCtx,
    id: i32,
    title: String,
    message: String,
    problems: Vec<String>,
    total: usize,
}

fn refused_page(
    ctx: PageCtx,
    id: i32,
    title: &str,
    problems: &[Problem],
) -> Result<HttpResponse, AppError> {
    let message = if problems.len() == 1 && problems[0].task_id.is_none() {
        format!("No se importó nada. {}", problems[0].text())
    } else {
        format!(
            "No se importó nada: el archivo tiene {} {}.",
            problems.len(),
            if problems.len() == 1 {
                "problema"
            } else {
                "problemas"
            }
        )
    };
    let listed = if problems.len() == 1 && problems[0].task_id.is_none() {
        Vec::new()
    } else {
        problems
            .iter()
            .take(PROBLEMS_SHOWN)
            .map(Problem::text)
            .collect()
    };
    render(
        StatusCode::UNPROCESSABLE_ENTITY,
        &RefusedPage {
            ctx,
            id,
            title: title.to_owned(),
            message,
            problems: listed,
            total: problems.len(),
        },
    )
}

/// `POST /ot/{id}/programa`: imports a new version (gestor and admin).
#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "work_orders::schedule::upload")
)]
pub async fn upload(
    state: web::Data<AppState>,
    ctx: PageCtx,
    flasher: Flasher,
    user: CurrentUser,
    path: web::Path<i32>,
    form: Multipart,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Gestor)?;
    let id = path.into_inner();
    let title = "Importación de programa rechazada";
    let missing = "Elija el archivo del programa (.xml de MS Project o .xlsx).";
    let posted = match upload::read(form, "archivo", MAX_FILE_BYTES, missing).await {
        Ok(p) => p,
        Err(msg) => return refused_page(ctx, id, title, &[Problem::file(msg)]),
    };
    let actor = Actor::from(&user);
    let today = state.clock.today();
    let result = blocking(&state, move |c| {
        service::import(
            c,
            id,
            &posted.file_name,
            &posted.bytes,
            &actor,
            Utc::now().naive_utc(),
            today,
        )
    })
    .await?;
    match result {
        Ok(o) => {
            flash(&flasher, true, o.message());
            Ok(see_other(&format!("/ot/{id}/programa")))
        }
        Err(ImportError::Refused(problems)) => refused_page(ctx, id, title, &problems),
        Err(ImportError::NotFound) => Err(AppError::NotFound),
        Err(ImportError::Db(e)) => Err(e.into()),
    }
}

/// `POST /ot/{id}/programa/tareas/{tarea_id}/avance`: one task's progress (gestor and admin).
#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "work_orders::schedule::capture")
)]
pub async fn capture(
    state: web::Data<AppState>,
    session: Session,
    flasher: Flasher,
    user: CurrentUser,
    path: web::Path<(i32, i32)>,
    form: web::Form<CaptureForm>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Gestor)?;
    let (id, task_id) = path.into_inner();
    let actor = Actor::from(&user);
    let today = state.clock.today();
    let form = form.into_inner();
    let submitted = form.clone();
    let result = blocking(&state, move |c| {
        service::capture(
            c,
            id,
            task_id,
            &submitted,
            &actor,
            Utc::now().naive_utc(),
            today,
        )
    })
    .await?;
    match result {
        Ok(()) => {
            flash(&flasher, true, "Avance registrado.");
            Ok(see_other(&format!("/ot/{id}/programa#t{task_id}")))
        }
        Err(e) => {
            let errors = match refused(e)? {
                crate::web::response::Refused::Fields { errors, .. } => errors
                    .0
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), v.clone()))
                    .collect(),
                crate::web::response::Refused::Conflict(m) => {
                    vec![("porcentaje_real".to_owned(), m)]
                }
            };
            let draft = CaptureDraft {
                task_id,
                form,
                errors,
            };
            if let Err(e) = session.insert(CAPTURE_DRAFT, draft) {
                tracing::error!(error = %e, "cannot keep the refused capture's input");
            }
            Ok(see_other(&format!(
                "/ot/{id}/programa?tarea={task_id}#captura"
            )))
        }
    }
}

/// `POST /ot/{id}/programa/avance`: progress of many tasks from a workbook (gestor and admin).
#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "work_orders::schedule::capture_bulk")
)]
pub async fn capture_bulk(
    state: web::Data<AppState>,
    ctx: PageCtx,
    flasher: Flasher,
    user: CurrentUser,
    path: web::Path<i32>,
    form: Multipart,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Gestor)?;
    let id = path.into_inner();
    let title = "Carga de avance rechazada";
    let missing = "Elija el libro de avance (.xlsx).";
    let posted = match upload::read(form, "archivo", MAX_FILE_BYTES, missing).await {
        Ok(p) => p,
        Err(msg) => return refused_page(ctx, id, title, &[Problem::file(msg)]),
    };
    let actor = Actor::from(&user);
    let today = state.clock.today();
    let result = blocking(&state, move |c| {
        let fecha = posted.fields.get("fecha").cloned().unwrap_or_default();
        service::capture_bulk(
            c,
            id,
            &posted.file_name,
            &posted.bytes,
            &fecha,
            &actor,
            Utc::now().naive_utc(),
            today,
        )
    })
    .await?;
    match result {
        Ok(n) => {
            flash(&flasher, true, format!("Avance registrado en {n} tareas."));
            Ok(see_other(&format!("/ot/{id}/programa")))
        }
        Err(ImportError::Refused(problems)) => refused_page(ctx, id, title, &problems),
        Err(ImportError::NotFound) => Err(AppError::NotFound),
        Err(ImportError::Db(e)) => Err(e.into()),
    }
}

/// The active snapshot of a visible order, with its folio.
fn active_snapshot(
    c: &mut DbConn,
    id: i32,
    today: NaiveDate,
) -> Result<(String, Snapshot), AppError> {
    let order = work_orders::find_visible(c, id)?.ok_or(AppError::NotFound)?;
    let snap = Snapshot::active(c, id, today)?.ok_or(AppError::NotFound)?;
    Ok((order.folio, snap))
}

/// `GET /ot/{id}/programa.xml`: the active version as MSPDI with the captured % complete.
#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "work_orders::schedule::export_xml")
)]
pub async fn export_xml(
    state: web::Data<AppState>,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let today = state.clock.today();
    let (folio, body) = blocking(&state, move |c| -> Result<_, AppError> {
        let (folio, snap) = active_snapshot(c, id, today)?;
        let xml = mspdi::write(&snap.as_schedule(), &format!("Programa {folio}"));
        Ok((folio, xml))
    })
    .await??;
    Ok(download::attachment(
        &format!("programa-{folio}.xml"),
        "application/xml; charset=utf-8",
    )
    .body(body))
}

const XLSX_HEADER: [&str; 14] = [
    "ID",
    "UID",
    "EDT",
    "NOMBRE",
    "DURACIÓN",
    "INICIO",
    "FIN",
    "PONDERACIÓN",
    "PREDECESORAS",
    "RECURSOS",
    "% AVANCE",
    "% CLIENTE",
    "% PLANEADO",
    "RUTA CRÍTICA",
];

/// `GET /ot/{id}/programa.xlsx`: the active version as a task list (re-importable).
#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "work_orders::schedule::export_xlsx")
)]
pub async fn export_xlsx(
    state: web::Data<AppState>,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let today = state.clock.today();
    let (folio, content) = blocking(&state, move |c| -> Result<_, AppError> {
        use rust_xlsxwriter::{Format, Workbook};
        let (folio, snap) = active_snapshot(c, id, today)?;
        let xl = AppError::internal;
        let mut book = Workbook::new();
        let ws = book.add_worksheet();
        ws.set_name("Programa").map_err(xl)?;
        let bold = Format::new().set_bold();
        let date = Format::new().set_num_format("dd/mm/yyyy");
        let number = Format::new().set_num_format("0.##");
        for (col, title) in XLSX_HEADER.iter().enumerate() {
            let col = u16::try_from(col).unwrap_or(0);
            ws.write_string_with_format(0, col, *title, &bold)
                .map_err(xl)?;
            ws.set_column_width(col, if col == 3 { 50 } else { 13 })
                .map_err(xl)?;
        }
        ws.set_freeze_panes(1, 4).map_err(xl)?;
        let ids: HashMap<i32, i32> = snap.tasks.iter().map(|t| (t.uid, t.id)).collect();
        let incoming = crate::domain::schedule::links_by_successor(&snap.links);
        let mpd = snap.version.minutes_per_day;
        for (r, t) in snap.tasks.iter().enumerate() {
            let row = u32::try_from(r + 1).unwrap_or(u32::MAX);
            let preds = incoming
                .get(&t.uid)
                .map(Vec::as_slice)
                .unwrap_or_default()
                .iter()
                .map(|l| l.notation(ids.get(&l.predecessor_uid).copied().unwrap_or(0), mpd))
                .collect::<Vec<_>>()
                .join(";");
            ws.write_number(row, 0, f64::from(t.id)).map_err(xl)?;
            ws.write_number(row, 1, f64::from(t.uid)).map_err(xl)?;
            ws.write_string(row, 2, &t.wbs).map_err(xl)?;
            ws.write_string(row, 3, &t.name).map_err(xl)?;
            ws.write_number_with_format(row, 4, t.days(mpd), &number)
                .map_err(xl)?;
            let excel_date = |d: NaiveDate| {
                rust_xlsxwriter::ExcelDateTime::from_ymd(
                    u16::try_from(d.year()).unwrap_or(1900),
                    u8::try_from(d.month()).unwrap_or(1),
                    u8::try_from(d.day()).unwrap_or(1),
                )
            };
            ws.write_datetime_with_format(row, 5, excel_date(t.start).map_err(xl)?, &date)
                .map_err(xl)?;
            ws.write_datetime_with_format(row, 6, excel_date(t.finish).map_err(xl)?, &date)
                .map_err(xl)?;
            if let Some(w) = t.weight {
                #[expect(clippy::cast_precision_loss, reason = "weights are far below 2^53")]
                ws.write_number(row, 7, w as f64 / 1e6).map_err(xl)?;
            }
            ws.write_string(row, 8, &preds).map_err(xl)?;
            ws.write_string(row, 9, &t.resources).map_err(xl)?;
            let round = |v: f64| (v * 10.0).round() / 10.0;
            ws.write_number(row, 10, round(snap.real[r])).map_err(xl)?;
            ws.write_number(row, 11, round(snap.client[r]))
                .map_err(xl)?;
            ws.write_number(row, 12, round(snap.planned[r]))
                .map_err(xl)?;
            ws.write_string(row, 13, if t.critical { "Sí" } else { "" })
                .map_err(xl)?;
        }
        let last = u32::try_from(snap.tasks.len()).unwrap_or(0);
        ws.autofilter(0, 0, last, 13).map_err(xl)?;
        Ok((folio, book.save_to_buffer().map_err(xl)?))
    })
    .await??;
    Ok(download::attachment(&format!("programa-{folio}.xlsx"), download::XLSX).body(content))
}

/// `GET /ot/{id}/programa/curva-s.csv`: the weekly series (cumulative %, two decimals).
#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "work_orders::schedule::curve_csv")
)]
pub async fn curve_csv(
    state: web::Data<AppState>,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let today = state.clock.today();
    let (folio, points) = blocking(&state, move |c| -> Result<_, AppError> {
        let (folio, snap) = active_snapshot(c, id, today)?;
        Ok((folio, snap.curve()))
    })
    .await??;
    let mut w = csv::Writer::from_writer(Vec::new());
    let csv_error = AppError::internal;
    crate::web::download::csv_row(&mut w, ["semana", "planeado", "real", "cliente"])
        .map_err(csv_error)?;
    for p in &points {
        crate::web::download::csv_row(
            &mut w,
            [
                p.week.format("%Y-%m-%d").to_string(),
                format!("{:.2}", p.planned),
                p.real.map(|v| format!("{v:.2}")).unwrap_or_default(),
                p.client.map(|v| format!("{v:.2}")).unwrap_or_default(),
            ],
        )
        .map_err(csv_error)?;
    }
    let body = w
        .into_inner()
        .map_err(|e| AppError::internal(e.into_error()))?;
    Ok(download::attachment(&format!("curva-s-{folio}.csv"), download::CSV).body(body))
}

#[derive(Template)]
#[template(path = "work_orders/schedule_curve.html")]
struct CurvePage {
    ctx: PageCtx,
    id: i32,
    folio: String,
    version: i32,
    real: String,
    client: String,
    planned: String,
    curve: Option<CurveView>,
    today: String,
}

/// `GET /ot/{id}/programa/curva-s`: the S-curve on its own page (prints on Letter landscape).
#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "work_orders::schedule::curve_page")
)]
pub async fn curve_page(
    state: web::Data<AppState>,
    ctx: PageCtx,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let today = state.clock.today();
    let (folio, snap) = blocking(&state, move |c| active_snapshot(c, id, today)).await??;
    render(
        StatusCode::OK,
        &CurvePage {
            ctx,
            id,
            folio,
            version: snap.version.number,
            real: pct(snap.overall_real),
            client: pct(snap.overall_client),
            planned: pct(snap.overall_planned),
            curve: curve_view(&snap.curve(), today),
            today: format::date(Some(today)),
        },
    )
}

/// `GET /ot/{id}/programa/version/{n}/archivo`: a version's original file.
#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "work_orders::schedule::original")
)]
pub async fn original(
    state: web::Data<AppState>,
    path: web::Path<(i32, i32)>,
) -> Result<HttpResponse, AppError> {
    let (id, number) = path.into_inner();
    let (name, bytes) = blocking(&state, move |c| -> Result<_, AppError> {
        work_orders::find_visible(c, id)?.ok_or(AppError::NotFound)?;
        let v = repo::by_number(c, id, number)?.ok_or(AppError::NotFound)?;
        repo::file_of(c, v.id)?.ok_or(AppError::NotFound)
    })
    .await??;
    let kind = if name.to_lowercase().ends_with(".xml") {
        "application/xml"
    } else {
        download::XLSX
    };
    Ok(download::attachment(&name, kind).body(bytes))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CompareQuery {
    pub version: String,
}

pub struct MovedRow {
    pub id: i32,
    pub wbs: String,
    pub name: String,
    pub before: String,
    pub now: String,
    pub start_delta: String,
    pub finish_delta: String,
    pub late: bool,
}

pub struct EntryRow {
    pub id: i32,
    pub wbs: String,
    pub name: String,
    pub start: String,
    pub finish: String,
}

#[derive(Template)]
#[template(path = "work_orders/schedule_compare.html")]
struct ComparePage {
    ctx: PageCtx,
    id: i32,
    folio: String,
    versions: Vec<VersionRow>,
    active: i32,
    other: Option<i32>,
    /// `other`, or 0.
    other_number: i32,
    headline: String,
    moved: Vec<MovedRow>,
    added: Vec<EntryRow>,
    removed: Vec<EntryRow>,
    unchanged: usize,
}

fn signed_days(d: i64) -> String {
    match d {
        0 => "0".into(),
        d if d > 0 => format!("+{d}"),
        d => d.to_string(),
    }
}

fn entry_row(e: &crate::domain::schedule::compare::Entry) -> EntryRow {
    EntryRow {
        id: e.id,
        wbs: e.wbs.clone(),
        name: e.name.clone(),
        start: format::date(Some(e.start)),
        finish: format::date(Some(e.finish)),
    }
}

/// `GET /ot/{id}/programa/comparar?version=N`: the active version against version N.
#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "work_orders::schedule::compare")
)]
pub async fn compare(
    state: web::Data<AppState>,
    ctx: PageCtx,
    path: web::Path<i32>,
    query: web::Query<CompareQuery>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let wanted = query.version.trim().parse::<i32>().ok();
    let (folio, versions, active, other, result) =
        blocking(&state, move |c| -> Result<_, AppError> {
            let order = work_orders::find_visible(c, id)?.ok_or(AppError::NotFound)?;
            let versions = repo::versions_of(c, id)?;
            let active = versions
                .iter()
                .find(|v| v.active)
                .cloned()
                .ok_or(AppError::NotFound)?;
            let other = wanted
                .and_then(|n| versions.iter().find(|v| v.number == n && !v.active))
                .cloned();
            let result: Option<(Diff, Version)> = match &other {
                Some(o) => {
                    let old: Vec<_> = repo::tasks_of(c, o.id)?
                        .into_iter()
                        .map(|(_, t)| t)
                        .collect();
                    let new: Vec<_> = repo::tasks_of(c, active.id)?
                        .into_iter()
                        .map(|(_, t)| t)
                        .collect();
                    Some((
                        diff(&old, &new, o.stable_uids() && active.stable_uids()),
                        o.clone(),
                    ))
                }
                None => None,
            };
            Ok((
                order.folio,
                versions,
                active,
                other.map(|o| o.number),
                result,
            ))
        })
        .await??;
    let (headline, moved, added, removed, unchanged) = match &result {
        None => (
            if versions.len() < 2 {
                "Solo hay una versión del programa: no hay con qué comparar.".to_owned()
            } else {
                "Elija una versión anterior para compararla con la activa.".to_owned()
            },
            Vec::new(),
            Vec::new(),
            Vec::new(),
            0,
        ),
        Some((d, old)) => {
            let slip = match (old.project_finish, active.project_finish) {
                (Some(a), Some(b)) => {
                    let days = (b - a).num_days();
                    let what = match days {
                        0 => "no cambió".to_owned(),
                        d if d > 0 => {
                            format!("se atrasó {d} {}", if d == 1 { "día" } else { "días" })
                        }
                        d => format!(
                            "se adelantó {} {}",
                            -d,
                            if d == -1 { "día" } else { "días" }
                        ),
                    };
                    format!(
                        "El fin del proyecto {what}: {} (versión {}) → {} (versión {}).",
                        format::date(Some(a)),
                        old.number,
                        format::date(Some(b)),
                        active.number
                    )
                }
                _ => String::new(),
            };
            (
                slip,
                d.moved
                    .iter()
                    .map(|m| MovedRow {
                        id: m.now.id,
                        wbs: m.now.wbs.clone(),
                        name: m.now.name.clone(),
                        before: format!(
                            "{} – {}",
                            format::date(Some(m.before.start)),
                            format::date(Some(m.before.finish))
                        ),
                        now: format!(
                            "{} – {}",
                            format::date(Some(m.now.start)),
                            format::date(Some(m.now.finish))
                        ),
                        start_delta: signed_days(m.start_delta),
                        finish_delta: signed_days(m.finish_delta),
                        late: m.finish_delta > 0,
                    })
                    .collect(),
                d.added.iter().map(entry_row).collect(),
                d.removed.iter().map(entry_row).collect(),
                d.unchanged,
            )
        }
    };
    render(
        StatusCode::OK,
        &ComparePage {
            ctx,
            id,
            folio,
            versions: versions.iter().map(version_row).collect(),
            active: active.number,
            other,
            other_number: other.unwrap_or(0),
            headline,
            moved,
            added,
            removed,
            unchanged,
        },
    )
}
