//! The fleet and yard timeline (W20): `GET /programa` draws every visible OT over its window on
//! the rows of its vessel, platform, yard and land site (the yard phase as its own segment on its
//! yard's row), marks and lists the double bookings; `GET /programa.csv` exports what is shown.
//! Every role reads it. The SVG is written here as text: every piece of user text goes through
//! `esc`.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::{Datelike, Duration, Months, NaiveDate};
use serde::Deserialize;

use crate::db::catalogs::{CatalogKind, Catalogs, Entry};
use crate::db::timeline::PlacedFilter;
use crate::domain::codes::{record_state, site_category};
use crate::domain::format;
use crate::domain::input::filter_id;
use crate::domain::timeline::{Use, lanes};
use crate::error::AppError;
use crate::services::timeline::{Timeline, load};
use crate::web::auth::SeenVersions;
use crate::web::page::{PageCtx, render};
use crate::web::{AppState, blocking, download};

const LABEL_W: f64 = 210.0;
const CHART_W: f64 = 1000.0;
const LANE_H: f64 = 20.0;
const HEAD_H: f64 = 24.0;
/// Longest range drawn.
const MAX_DAYS: i64 = 3 * 366;

use crate::web::page::xml_text as esc;

/// The query string (every filter is bookmarkable).
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct TimelineQuery {
    pub desde: String,
    pub hasta: String,
    pub frente: String,
    pub cliente: String,
    pub responsable: String,
    pub estatus: String,
}

impl TimelineQuery {
    /// The filter, and a Spanish note when a date was not understood (its default is used).
    fn filter(&self, today: NaiveDate) -> (PlacedFilter, Option<String>) {
        let default_from = today.checked_sub_months(Months::new(1)).unwrap_or(today);
        let default_to = today.checked_add_months(Months::new(5)).unwrap_or(today);
        let mut note = None;
        let mut date = |raw: &str, default: NaiveDate, what: &str| match format::parse_date(raw) {
            Ok(Some(d)) => d,
            Ok(None) => default,
            Err(_) => {
                note = Some(format!(
                    "La fecha «{what}» no se entendió (use dd/mm/aaaa); se muestra el periodo \
                     predeterminado."
                ));
                default
            }
        };
        let mut from = date(&self.desde, default_from, "desde");
        let mut to = date(&self.hasta, default_to, "hasta");
        if to < from {
            std::mem::swap(&mut from, &mut to);
        }
        if (to - from).num_days() > MAX_DAYS {
            to = from + Duration::days(MAX_DAYS);
            note = Some("El periodo se limitó a tres años.".into());
        }
        (
            PlacedFilter {
                from: Some(from),
                to: Some(to),
                front: filter_id(&self.frente),
                client: filter_id(&self.cliente),
                manager: filter_id(&self.responsable),
                status: filter_id(&self.estatus),
            },
            note,
        )
    }
}

/// One drawn bar.
struct Bar {
    order: usize,
    from: NaiveDate,
    to: NaiveDate,
    use_: Use,
}

/// One row: a site and its bars.
struct SiteRow {
    site_id: i32,
    label: String,
    bars: Vec<Bar>,
    lanes: Vec<usize>,
    lane_count: usize,
    top: f64,
}

fn category_rank(category: Option<i32>) -> (u8, &'static str) {
    match category {
        Some(site_category::VESSEL) => (0, "Embarcación"),
        Some(site_category::PLATFORM) => (1, "Plataforma"),
        Some(site_category::YARD) => (2, "Patio"),
        Some(site_category::INTERCOM) => (3, "Intercom"),
        _ => (4, "Sitio"),
    }
}

/// The rows, in the order vessels, platforms, yards, land sites; by name within each.
fn rows(t: &Timeline, catalogs: &Catalogs) -> Vec<SiteRow> {
    let mut by_site: BTreeMap<(u8, String, i32), Vec<Bar>> = BTreeMap::new();
    for (order, b) in &t.bookings {
        let site = catalogs.get(CatalogKind::Site, b.site_id);
        let (rank, kind) = category_rank(site.and_then(|s| s.group));
        let name = site.map_or_else(|| format!("Sitio {}", b.site_id), |s| s.description.clone());
        by_site
            .entry((rank, format!("{kind} · {name}"), b.site_id))
            .or_default()
            .push(Bar {
                order: *order,
                from: b.from,
                to: b.to,
                use_: b.use_,
            });
    }
    let mut top = HEAD_H;
    by_site
        .into_iter()
        .map(|((_, label, site_id), bars)| {
            let windows: Vec<(NaiveDate, NaiveDate)> =
                bars.iter().map(|b| (b.from, b.to)).collect();
            let lanes = lanes(&windows);
            let lane_count = lanes.iter().max().map_or(1, |m| m + 1);
            let row = SiteRow {
                site_id,
                label,
                bars,
                lanes,
                lane_count,
                top,
            };
            #[expect(clippy::cast_precision_loss, reason = "a row has few lanes")]
            let height = lane_count as f64 * LANE_H + 6.0;
            top += height;
            row
        })
        .collect()
}

struct Geometry {
    from: NaiveDate,
    to: NaiveDate,
    px: f64,
}

impl Geometry {
    fn x(&self, d: NaiveDate) -> f64 {
        #[expect(clippy::cast_precision_loss, reason = "at most three years of days")]
        let days = (d.clamp(self.from, self.to + Duration::days(1)) - self.from).num_days() as f64;
        LABEL_W + days * self.px
    }
}

fn svg(
    t: &Timeline,
    catalogs: &Catalogs,
    rows: &[SiteRow],
    g: &Geometry,
    today: NaiveDate,
) -> String {
    let height = rows.last().map_or(HEAD_H + 30.0, |r| {
        #[expect(clippy::cast_precision_loss, reason = "a row has few lanes")]
        let h = r.top + r.lane_count as f64 * LANE_H + 6.0;
        h
    }) + 4.0;
    let width = LABEL_W + CHART_W;
    let mut out = String::with_capacity(t.bookings.len() * 400 + 4096);
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline\" id=\"linea-tiempo\" width=\"{width:.0}\" height=\"{height:.0}\" viewBox=\"0 0 {width:.1} {height:.1}\" role=\"img\" aria-label=\"Programa de flota y patios\"><defs><pattern id=\"rayado\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" class=\"tl-hatch-bg\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" class=\"tl-hatch\"/></pattern></defs>"
    );
    // Months.
    let mut d = g.from.with_day(1).unwrap_or(g.from);
    while d <= g.to {
        let x = g.x(d.max(g.from));
        let label = format::month_short(d);
        let _ = write!(
            out,
            "<line x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"0\" y2=\"{height:.1}\" class=\"tl-month\"/>"
        );
        // A label that would run past the right edge is left out.
        if x < width - 60.0 {
            let _ = write!(
                out,
                "<text x=\"{:.1}\" y=\"16\" class=\"tl-head\">{label} {}</text>",
                x + 3.0,
                d.year()
            );
        }
        d = d
            .checked_add_months(Months::new(1))
            .unwrap_or(g.to + Duration::days(1));
    }
    for (k, r) in rows.iter().enumerate() {
        #[expect(clippy::cast_precision_loss, reason = "a row has few lanes")]
        let h = r.lane_count as f64 * LANE_H + 6.0;
        let _ = write!(
            out,
            "<rect x=\"0\" y=\"{:.1}\" width=\"{width:.1}\" height=\"{h:.1}\" class=\"tl-row{}\"/><text x=\"6\" y=\"{:.1}\" class=\"tl-site\">{}</text>",
            r.top,
            if k % 2 == 1 { " odd" } else { "" },
            r.top + 15.0,
            esc(&r.label)
        );
        for (bar, lane) in r.bars.iter().zip(&r.lanes) {
            let o = &t.orders[bar.order];
            #[expect(clippy::cast_precision_loss, reason = "a row has few lanes")]
            let y = r.top + 3.0 + *lane as f64 * LANE_H;
            let x0 = g.x(bar.from);
            let x1 = g.x(bar.to + Duration::days(1));
            let w = (x1 - x0).max(2.0);
            let status = catalogs.name(CatalogKind::Status, Some(o.status_id));
            let phase = bar.use_ == Use::YardPhase;
            let _ = write!(
                out,
                "<a href=\"/ot/{}\"><g class=\"tl-bar st-{}{}{}\" data-ot=\"{}\"><title>{}{} · {} · {} – {}</title><rect x=\"{x0:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{:.1}\" rx=\"3\"/>",
                o.id,
                o.status_id,
                if phase { " phase" } else { "" },
                if o.record_state == record_state::TO_DEFINE {
                    " to-define"
                } else {
                    ""
                },
                o.id,
                esc(&o.folio),
                if phase { " (fase en patio)" } else { "" },
                esc(&status),
                format::date(Some(bar.from)),
                format::date(Some(bar.to)),
                LANE_H - 4.0
            );
            if w > 46.0 {
                let _ = write!(
                    out,
                    "<text x=\"{:.1}\" y=\"{:.1}\" class=\"tl-label\">{}</text>",
                    x0 + 4.0,
                    y + 12.0,
                    esc(&o
                        .folio
                        .chars()
                        .take(((w - 8.0) / 6.5) as usize)
                        .collect::<String>())
                );
            }
            out.push_str("</g></a>");
        }
    }
    // Double bookings: a red outline over the overlapping days of their row.
    let row_of_site: std::collections::HashMap<i32, usize> = rows
        .iter()
        .enumerate()
        .map(|(k, r)| (r.site_id, k))
        .collect();
    // One outline per run of double-booked days on a row (overlapping conflicts merged), so a
    // crowded site draws a few rectangles, not one per pair.
    let mut spans: BTreeMap<(usize, NaiveDate), NaiveDate> = BTreeMap::new();
    for c in &t.conflicts {
        if let Some(&k) = row_of_site.get(&c.site_id) {
            let end = spans.entry((k, c.from)).or_insert(c.to);
            *end = (*end).max(c.to);
        }
    }
    let mut merged: Vec<(usize, NaiveDate, NaiveDate)> = Vec::new();
    for ((k, from), to) in spans {
        match merged.last_mut() {
            Some((lk, _, lto)) if *lk == k && from <= *lto + Duration::days(1) => {
                *lto = (*lto).max(to);
            }
            _ => merged.push((k, from, to)),
        }
    }
    for (k, from, to) in merged {
        let r = &rows[k];
        #[expect(clippy::cast_precision_loss, reason = "a row has few lanes")]
        let h = r.lane_count as f64 * LANE_H + 4.0;
        let x0 = g.x(from);
        let x1 = g.x(to + Duration::days(1));
        let _ = write!(
            out,
            "<rect x=\"{x0:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{h:.1}\" class=\"tl-conflict\"><title>Traslape del {} al {}</title></rect>",
            r.top + 1.0,
            (x1 - x0).max(2.0),
            format::date(Some(from)),
            format::date(Some(to))
        );
    }
    if today >= g.from && today <= g.to {
        let x = g.x(today);
        let _ = write!(
            out,
            "<line x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{HEAD_H}\" y2=\"{height:.1}\" class=\"tl-today\"/><text x=\"{:.1}\" y=\"{:.1}\" class=\"tl-today-label\">Hoy</text>",
            x + 3.0,
            HEAD_H - 2.0
        );
    }
    let _ = write!(
        out,
        "<line x1=\"{LABEL_W}\" x2=\"{LABEL_W}\" y1=\"0\" y2=\"{height:.1}\" class=\"tl-month\"/></svg>"
    );
    out
}

/// Conflicts listed under the chart (the CSV marks every one).
const CONFLICTS_LISTED: usize = 200;

/// A double booking in the table under the chart.
pub struct ConflictRow {
    pub site: String,
    pub first_id: i32,
    pub first: String,
    pub second_id: i32,
    pub second: String,
    pub from: String,
    pub to: String,
    pub days: i64,
}

#[derive(Template)]
#[template(path = "timeline.html")]
struct TimelinePage {
    ctx: PageCtx,
    query: TimelineQuery,
    desde: String,
    hasta: String,
    note: Option<String>,
    svg: String,
    conflicts: Vec<ConflictRow>,
    /// Every conflict in the period (the table lists the first `CONFLICTS_LISTED`).
    total_conflicts: usize,
    shown: usize,
    unplaced: usize,
    fronts: Vec<Entry>,
    clients: Vec<Entry>,
    managers: Vec<Entry>,
    statuses: Vec<Entry>,
    csv_href: String,
}

fn conflict_rows(t: &Timeline, catalogs: &Catalogs) -> Vec<ConflictRow> {
    let folios: std::collections::HashMap<i32, &str> =
        t.orders.iter().map(|o| (o.id, o.folio.as_str())).collect();
    let folio = |id: i32| folios.get(&id).map(|f| (*f).to_owned()).unwrap_or_default();
    t.conflicts
        .iter()
        .take(CONFLICTS_LISTED)
        .map(|c| ConflictRow {
            site: format!(
                "{}{}",
                catalogs.name(CatalogKind::Site, Some(c.site_id)),
                if c.use_ == Use::YardPhase {
                    " (fases en patio)"
                } else {
                    ""
                }
            ),
            first_id: c.first,
            first: folio(c.first),
            second_id: c.second,
            second: folio(c.second),
            from: format::date(Some(c.from)),
            to: format::date(Some(c.to)),
            days: c.days(),
        })
        .collect()
}

/// `GET /programa`
#[tracing::instrument(name = "handler", skip_all, fields(handler = "timeline::page"))]
pub async fn page(
    state: web::Data<AppState>,
    ctx: PageCtx,
    query: web::Query<TimelineQuery>,
    seen: SeenVersions,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let today = state.clock.today();
    let (filter, note) = query.filter(today);
    let f = filter.clone();
    let caches = state.caches.clone();
    let (t, catalogs) = blocking(&state, move |c| -> Result<_, AppError> {
        let catalogs = caches.catalogs.get_seen(c, seen.snapshot())?;
        Ok((load(c, &f)?, catalogs))
    })
    .await??;
    let (from, to) = (filter.from.unwrap_or(today), filter.to.unwrap_or(today));
    #[expect(clippy::cast_precision_loss, reason = "at most three years of days")]
    let px = CHART_W / ((to - from).num_days() + 1) as f64;
    let g = Geometry { from, to, px };
    let site_rows = rows(&t, &catalogs);
    let svg = svg(&t, &catalogs, &site_rows, &g, today);
    let shown: HashSet<usize> = t.bookings.iter().map(|(o, _)| *o).collect();
    let active = |list: &[Entry]| {
        list.iter()
            .filter(|e| e.active)
            .cloned()
            .collect::<Vec<_>>()
    };
    let csv_href = format!(
        "/programa.csv?{}",
        serde_urlencoded::to_string([
            ("desde", format::date_iso(Some(from))),
            ("hasta", format::date_iso(Some(to))),
            ("frente", query.frente.clone()),
            ("cliente", query.cliente.clone()),
            ("responsable", query.responsable.clone()),
            ("estatus", query.estatus.clone()),
        ])
        .unwrap_or_default()
    );
    render(
        StatusCode::OK,
        &TimelinePage {
            ctx,
            desde: format::date(Some(from)),
            hasta: format::date(Some(to)),
            note,
            conflicts: conflict_rows(&t, &catalogs),
            total_conflicts: t.conflicts.len(),
            shown: shown.len(),
            unplaced: t.unplaced,
            svg,
            fronts: active(&catalogs.fronts),
            clients: active(&catalogs.clients),
            managers: active(&catalogs.project_managers),
            statuses: catalogs.ot_statuses().into_iter().cloned().collect(),
            csv_href,
            query,
        },
    )
}

/// `GET /programa.csv`: one row per bar shown.
#[tracing::instrument(name = "handler", skip_all, fields(handler = "timeline::csv"))]
pub async fn csv(
    state: web::Data<AppState>,
    query: web::Query<TimelineQuery>,
    seen: SeenVersions,
) -> Result<HttpResponse, AppError> {
    let today = state.clock.today();
    let (filter, _) = query.filter(today);
    let caches = state.caches.clone();
    let (t, catalogs) = blocking(&state, move |c| -> Result<_, AppError> {
        let catalogs = caches.catalogs.get_seen(c, seen.snapshot())?;
        Ok((load(c, &filter)?, catalogs))
    })
    .await??;
    let in_conflict: HashSet<(i32, i32)> = t
        .conflicts
        .iter()
        .flat_map(|c| [(c.first, c.site_id), (c.second, c.site_id)])
        .collect();
    let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    let csv_error = AppError::internal;
    crate::web::download::csv_row(
        &mut w,
        [
            "folio",
            "sitio",
            "uso",
            "desde",
            "hasta",
            "estatus",
            "cliente",
            "responsable",
            "traslape",
        ],
    )
    .map_err(csv_error)?;
    for (i, b) in &t.bookings {
        let o = &t.orders[*i];
        crate::web::download::csv_row(
            &mut w,
            [
                o.folio.clone(),
                catalogs.name(CatalogKind::Site, Some(b.site_id)),
                b.use_.label().to_owned(),
                format::date(Some(b.from)),
                format::date(Some(b.to)),
                catalogs.name(CatalogKind::Status, Some(o.status_id)),
                catalogs.name(CatalogKind::Client, o.client_id),
                catalogs.name(CatalogKind::ProjectManager, Some(o.project_manager_id)),
                if in_conflict.contains(&(o.id, b.site_id)) && b.use_.exclusive() {
                    "sí".to_owned()
                } else {
                    String::new()
                },
            ],
        )
        .map_err(csv_error)?;
    }
    let body = w
        .into_inner()
        .map_err(|e| AppError::internal(e.into_error()))?;
    Ok(download::attachment("programa-flota.csv", download::CSV).body(body))
}
