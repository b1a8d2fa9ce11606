//! The OT's Gantt chart (W19): `GET /ot/{id}/programa/gantt?escala=dia|semana|mes&nivel=N`, a
//! server-rendered SVG of the active schedule (bars, summary brackets, milestone diamonds, real %
//! inside the bar, baseline under it, dependency arrows, today line, weekends at day scale), the
//! critical path computed by Faena (`domain::schedule::critical`) and its list with total slack.
//! `imprimir=1` cuts the chart into Letter-landscape pages (rows and time), the task names
//! repeated on each, so no bar is split by a page break.
//!
//! The SVG is written here as text: every piece of user text goes through `esc`.

use std::collections::HashMap;
use std::fmt::Write as _;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::{Datelike, Duration, NaiveDate};
use serde::Deserialize;

use crate::db::work_orders;
use crate::domain::format;
use crate::domain::schedule::critical::{Slack, slack};
use crate::domain::schedule::{LinkType, pct_text};
use crate::error::AppError;
use crate::services::schedules::{Snapshot, hundredths};
use crate::web::AppState;
use crate::web::blocking;
use crate::web::page::{PageCtx, render};

const NAME_W: f64 = 250.0;
const ROW_H: f64 = 22.0;
const HEAD_H: f64 = 38.0;
/// Print pages: chart width and rows per Letter-landscape sheet.
const PAGE_CHART_W: f64 = 700.0;
const PAGE_ROWS: usize = 24;

use crate::web::page::xml_text as esc;

/// Day, week or month scale: pixels per day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    Day,
    Week,
    Month,
}

impl Scale {
    fn parse(raw: &str) -> Scale {
        match raw.trim() {
            "dia" => Scale::Day,
            "mes" => Scale::Month,
            _ => Scale::Week,
        }
    }

    fn code(self) -> &'static str {
        match self {
            Scale::Day => "dia",
            Scale::Week => "semana",
            Scale::Month => "mes",
        }
    }

    fn px(self) -> f64 {
        match self {
            Scale::Day => 22.0,
            Scale::Week => 6.0,
            Scale::Month => 1.6,
        }
    }
}

/// One row of the chart.
struct Row {
    index: usize,
    label: String,
    summary: bool,
}

/// The chart's geometry over the visible rows.
struct Chart<'a> {
    snap: &'a Snapshot,
    rows: Vec<Row>,
    row_of: HashMap<i32, usize>,
    origin: NaiveDate,
    days: i64,
    px: f64,
    scale: Scale,
    slack: Vec<Option<Slack>>,
}

impl Chart<'_> {
    fn x(&self, d: NaiveDate) -> f64 {
        #[expect(clippy::cast_precision_loss, reason = "a few thousand days")]
        let days = (d - self.origin).num_days() as f64;
        NAME_W + days * self.px
    }

    fn width(&self) -> f64 {
        #[expect(clippy::cast_precision_loss, reason = "a few thousand days")]
        let days = self.days as f64;
        NAME_W + days * self.px
    }

    fn y(&self, row: usize) -> f64 {
        #[expect(
            clippy::cast_precision_loss,
            reason = "rows are bounded by the task count"
        )]
        let r = row as f64;
        HEAD_H + r * ROW_H
    }

    /// The time header (months, and days or weeks), weekends and the today line, for dates in
    /// `[from, to)`, over `height`.
    fn background(&self, out: &mut String, from: NaiveDate, to: NaiveDate, height: f64) {
        let mut d = from;
        while d < to {
            let x = self.x(d);
            if d.day() == 1 || d == from {
                let label = format::month_short(d);
                let _ = write!(
                    out,
                    "<line x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"0\" y2=\"{height:.1}\" class=\"g-month\"/><text x=\"{:.1}\" y=\"14\" class=\"g-head\">{label} {}</text>",
                    x + 3.0,
                    d.year()
                );
            }
            match self.scale {
                Scale::Day => {
                    if !self.snap.calendar.is_working(d) {
                        let _ = write!(
                            out,
                            "<rect x=\"{x:.1}\" y=\"20\" width=\"{:.1}\" height=\"{:.1}\" class=\"g-weekend\"/>",
                            self.px,
                            height - 20.0
                        );
                    }
                    let _ = write!(
                        out,
                        "<text x=\"{:.1}\" y=\"32\" class=\"g-tick\" text-anchor=\"middle\">{}</text>",
                        x + self.px / 2.0,
                        d.day()
                    );
                }
                Scale::Week if d.weekday().num_days_from_monday() == 0 => {
                    let _ = write!(
                        out,
                        "<line x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"20\" y2=\"{height:.1}\" class=\"g-week\"/><text x=\"{:.1}\" y=\"32\" class=\"g-tick\">{}</text>",
                        x + 2.0,
                        d.day()
                    );
                }
                _ => {}
            }
            d += Duration::days(1);
        }
        let today = self.snap.today;
        if today >= from && today < to {
            let x = self.x(today) + self.px / 2.0;
            let _ = write!(
                out,
                "<line x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"20\" y2=\"{height:.1}\" class=\"g-today\"/><text x=\"{:.1}\" y=\"{:.1}\" class=\"g-today-label\">Hoy</text>",
                x + 3.0,
                height - 4.0
            );
        }
    }

    /// One task's group: its bar (or bracket or diamond), real % and baseline, with a title.
    fn task(&self, out: &mut String, row: usize) {
        let r = &self.rows[row];
        let i = r.index;
        let t = &self.snap.tasks[i];
        let y = self.y(row);
        let x0 = self.x(t.start);
        let x1 = self.x(t.finish) + self.px;
        let critical = self.slack[i].is_some_and(|s| s.critical);
        let real = self.snap.real[i];
        let _ = write!(
            out,
            "<g class=\"task{}{}\" data-uid=\"{}\"{}><title>{} · {} – {} · real {} %{}</title>",
            if r.summary { " summary" } else { "" },
            if critical { " critical" } else { "" },
            t.uid,
            if critical { " data-critica=\"1\"" } else { "" },
            esc(&format!("{} {}", t.wbs, t.name)),
            format::date(Some(t.start)),
            format::date(Some(t.finish)),
            pct_text(hundredths(real)),
            self.slack[i]
                .map(|s| format!(" · holgura {:.1} d", s.total_days))
                .unwrap_or_default()
        );
        if r.summary {
            let _ = write!(
                out,
                "<path d=\"M{x0:.1},{:.1} V{:.1} H{x1:.1} V{:.1}\" class=\"g-bracket\"/>",
                y + 16.0,
                y + 8.0,
                y + 16.0
            );
        } else if t.milestone {
            let cx = x0;
            let cy = y + ROW_H / 2.0;
            let _ = write!(
                out,
                "<polygon points=\"{cx:.1},{:.1} {:.1},{cy:.1} {cx:.1},{:.1} {:.1},{cy:.1}\" class=\"g-milestone\"/>",
                cy - 7.0,
                cx + 7.0,
                cy + 7.0,
                cx - 7.0
            );
        } else {
            let w = (x1 - x0).max(2.0);
            let _ = write!(
                out,
                "<rect x=\"{x0:.1}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"11\" rx=\"2\" class=\"g-bar\"/>",
                y + 4.0
            );
            if real > 0.0 {
                let _ = write!(
                    out,
                    "<rect x=\"{x0:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"5\" class=\"g-real\"/>",
                    y + 7.0,
                    w * real.clamp(0.0, 100.0) / 100.0
                );
            }
        }
        if let (Some(bs), Some(bf)) = (t.baseline_start, t.baseline_finish)
            && !r.summary
        {
            let (b0, b1) = (self.x(bs), self.x(bf) + self.px);
            let _ = write!(
                out,
                "<rect x=\"{b0:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"3\" class=\"g-baseline\"/>",
                y + 17.0,
                (b1 - b0).max(1.0)
            );
        }
        out.push_str("</g>");
    }

    /// The link arrows between visible rows among `rows`.
    fn arrows(&self, out: &mut String, rows: std::ops::Range<usize>) {
        for l in &self.snap.links {
            let (Some(&pr), Some(&sr)) = (
                self.row_of.get(&l.predecessor_uid),
                self.row_of.get(&l.successor_uid),
            ) else {
                continue;
            };
            if !rows.contains(&pr) || !rows.contains(&sr) {
                continue;
            }
            let p = &self.snap.tasks[self.rows[pr].index];
            let s = &self.snap.tasks[self.rows[sr].index];
            let from_end = matches!(l.kind, LinkType::FinishStart | LinkType::FinishFinish);
            let to_start = matches!(l.kind, LinkType::FinishStart | LinkType::StartStart);
            let fx = if from_end {
                self.x(p.finish) + self.px
            } else {
                self.x(p.start)
            };
            let tx = if to_start {
                self.x(s.start)
            } else {
                self.x(s.finish) + self.px
            };
            let fy = self.y(pr) + ROW_H / 2.0;
            let ty = self.y(sr) + ROW_H / 2.0;
            let out_x = if from_end { fx + 6.0 } else { fx - 6.0 };
            let in_x = if to_start { tx - 6.0 } else { tx + 6.0 };
            let critical = self.slack[self.rows[pr].index].is_some_and(|x| x.critical)
                && self.slack[self.rows[sr].index].is_some_and(|x| x.critical);
            let _ = write!(
                out,
                "<path d=\"M{fx:.1},{fy:.1} H{out_x:.1} V{:.1} H{in_x:.1} V{ty:.1} H{tx:.1}\" class=\"g-link{}\" marker-end=\"url(#flecha)\"/>",
                (fy + ty) / 2.0,
                if critical { " critical" } else { "" }
            );
        }
    }

    fn names(&self, out: &mut String, rows: std::ops::Range<usize>, height: f64) {
        let _ = write!(
            out,
            "<rect x=\"0\" y=\"0\" width=\"{NAME_W}\" height=\"{height:.1}\" class=\"g-names\"/><text x=\"6\" y=\"30\" class=\"g-head\">Tarea</text>"
        );
        for (k, row) in rows.clone().enumerate() {
            let r = &self.rows[row];
            let t = &self.snap.tasks[r.index];
            let indent = f64::from(t.outline_level.clamp(0, 8)) * 10.0;
            let _ = write!(
                out,
                "<text x=\"{:.1}\" y=\"{:.1}\" class=\"g-name{}\">{}</text>",
                6.0 + indent,
                self.y(rows.start + k) + 15.0,
                if r.summary { " summary" } else { "" },
                esc(&r.label)
            );
        }
        let _ = write!(
            out,
            "<line x1=\"{NAME_W}\" x2=\"{NAME_W}\" y1=\"0\" y2=\"{height:.1}\" class=\"g-month\"/>"
        );
    }

    const DEFS: &'static str = "<defs><marker id=\"flecha\" viewBox=\"0 0 8 8\" refX=\"7\" refY=\"4\" markerWidth=\"6\" markerHeight=\"6\" orient=\"auto-start-reverse\"><path d=\"M0,0 L8,4 L0,8 z\" class=\"g-arrow\"/></marker></defs>";

    /// The whole chart in one SVG.
    fn svg(&self) -> String {
        let height = self.y(self.rows.len()) + 4.0;
        let width = self.width();
        let mut out = String::with_capacity(self.rows.len() * 500 + 4096);
        let _ = write!(
            out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"gantt\" id=\"gantt\" width=\"{width:.0}\" height=\"{height:.0}\" viewBox=\"0 0 {width:.1} {height:.1}\" role=\"img\" aria-label=\"Diagrama de Gantt del programa\">{}",
            Self::DEFS
        );
        self.background(
            &mut out,
            self.origin,
            self.origin + Duration::days(self.days),
            height,
        );
        self.arrows(&mut out, 0..self.rows.len());
        for row in 0..self.rows.len() {
            self.task(&mut out, row);
        }
        self.names(&mut out, 0..self.rows.len(), height);
        out.push_str("</svg>");
        out
    }

    /// Letter-landscape pages: each a slice of rows and of time, names repeated.
    fn pages(&self) -> Vec<String> {
        let chart_w = self.width() - NAME_W;
        #[expect(clippy::cast_possible_truncation, reason = "a few pages")]
        let slices = ((chart_w / PAGE_CHART_W).ceil() as usize).max(1);
        // Equal slices, each at most a page wide (no nearly empty last page).
        #[expect(clippy::cast_precision_loss, reason = "a few pages")]
        let slice_w = chart_w / slices as f64;
        let mut pages = Vec::new();
        let row_chunks: Vec<std::ops::Range<usize>> = (0..self.rows.len().max(1))
            .step_by(PAGE_ROWS)
            .map(|s| s..(s + PAGE_ROWS).min(self.rows.len()))
            .collect();
        for rows in &row_chunks {
            #[expect(clippy::cast_precision_loss, reason = "a page has few rows")]
            let height = HEAD_H + (rows.len() as f64) * ROW_H + 4.0;
            for slice in 0..slices {
                #[expect(clippy::cast_precision_loss, reason = "few slices")]
                let offset = slice as f64 * slice_w;
                #[expect(clippy::cast_possible_truncation, reason = "a few thousand days")]
                let days_from = (offset / self.px).floor() as i64;
                #[expect(clippy::cast_possible_truncation, reason = "a few thousand days")]
                let days_to = ((offset + slice_w) / self.px).ceil() as i64;
                let from = self.origin + Duration::days(days_from);
                let to = self.origin + Duration::days(days_to.min(self.days));
                let width = NAME_W + slice_w;
                let mut out = String::new();
                let _ = write!(
                    out,
                    "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"gantt gantt-page\" width=\"{width:.0}\" height=\"{height:.0}\" viewBox=\"0 0 {width:.1} {height:.1}\">{}<clipPath id=\"corte-{}-{slice}\"><rect x=\"{NAME_W}\" y=\"0\" width=\"{slice_w:.1}\" height=\"{height:.1}\"/></clipPath><g clip-path=\"url(#corte-{}-{slice})\"><g transform=\"translate({:.1},{:.1})\">",
                    Self::DEFS,
                    rows.start,
                    rows.start,
                    -offset,
                    -(self.y(rows.start) - HEAD_H)
                );
                self.background(&mut out, from, to, self.y(rows.end) + 4.0);
                self.arrows(&mut out, rows.clone());
                for row in rows.clone() {
                    self.task(&mut out, row);
                }
                out.push_str("</g></g><g>");
                // This page's task names, repeated on every page.
                let _ = write!(
                    out,
                    "<rect x=\"0\" y=\"0\" width=\"{NAME_W}\" height=\"{height:.1}\" class=\"g-names\"/><text x=\"6\" y=\"30\" class=\"g-head\">Tarea</text>"
                );
                for (k, row) in rows.clone().enumerate() {
                    let r = &self.rows[row];
                    let t = &self.snap.tasks[r.index];
                    let indent = f64::from(t.outline_level.clamp(0, 8)) * 10.0;
                    #[expect(clippy::cast_precision_loss, reason = "a page has few rows")]
                    let y = HEAD_H + k as f64 * ROW_H + 15.0;
                    let _ = write!(
                        out,
                        "<text x=\"{:.1}\" y=\"{y:.1}\" class=\"g-name{}\">{}</text>",
                        6.0 + indent,
                        if r.summary { " summary" } else { "" },
                        esc(&r.label)
                    );
                }
                let _ = write!(
                    out,
                    "<line x1=\"{NAME_W}\" x2=\"{NAME_W}\" y1=\"0\" y2=\"{height:.1}\" class=\"g-month\"/></g></svg>"
                );
                pages.push(out);
            }
        }
        pages
    }
}

/// The chart's query.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct GanttQuery {
    pub escala: String,
    pub nivel: String,
    pub imprimir: String,
}

/// A critical task in the list under the chart.
pub struct CriticalRow {
    pub id: i32,
    pub wbs: String,
    pub name: String,
    pub start: String,
    pub finish: String,
    pub slack: String,
}

#[derive(Template)]
#[template(path = "work_orders/gantt.html")]
struct GanttPage {
    ctx: PageCtx,
    id: i32,
    folio: String,
    version: i32,
    scale: &'static str,
    nivel: String,
    print: bool,
    /// The chart (screen) or its pages (print), as SVG markup built with every text escaped.
    svgs: Vec<String>,
    critical: Vec<CriticalRow>,
    /// How Faena's critical path compares with the file's own flags.
    note: String,
    rows: usize,
}

fn chart(snap: &Snapshot, scale: Scale, depth: Option<i32>) -> Chart<'_> {
    let parents: std::collections::HashSet<i32> =
        snap.tasks.iter().filter_map(|t| t.parent_uid).collect();
    let mut rows = Vec::new();
    let mut row_of = HashMap::new();
    // Rows in WBS (file) order; a collapsed summary hides everything below it.
    let mut hidden_below: Option<i32> = None;
    for (i, t) in snap.tasks.iter().enumerate() {
        if let Some(level) = hidden_below {
            if t.outline_level > level {
                continue;
            }
            hidden_below = None;
        }
        let summary = parents.contains(&t.uid);
        if summary && depth.is_some_and(|d| t.outline_level >= d) {
            hidden_below = Some(t.outline_level);
        }
        row_of.insert(t.uid, rows.len());
        let name: String = t.name.chars().take(34).collect();
        rows.push(Row {
            index: i,
            label: if t.wbs.is_empty() {
                name
            } else {
                format!("{} {name}", t.wbs)
            },
            summary,
        });
    }
    let (start, finish) = snap
        .span()
        .unwrap_or((snap.today, snap.today + Duration::days(30)));
    let origin = match scale {
        Scale::Month => start.with_day(1).unwrap_or(start),
        _ => crate::domain::schedule::calendar::monday_of(start),
    };
    // Two days past the finish: room for the last bar's end and its arrowheads.
    let days = (finish - origin).num_days() + 2;
    let project_start = snap.version.project_start.unwrap_or(start);
    Chart {
        snap,
        rows,
        row_of,
        origin,
        days,
        px: scale.px(),
        scale,
        slack: slack(
            &snap.tasks,
            &snap.links,
            snap.version.minutes_per_day,
            &snap.calendar,
            project_start,
        ),
    }
}

/// `GET /ot/{id}/programa/gantt`
#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "work_orders::gantt::page")
)]
pub async fn page(
    state: web::Data<AppState>,
    ctx: PageCtx,
    path: web::Path<i32>,
    query: web::Query<GanttQuery>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let today = state.clock.today();
    let scale = Scale::parse(&query.escala);
    let depth = query.nivel.trim().parse::<i32>().ok().filter(|d| *d > 0);
    let print = query.imprimir.trim() == "1";
    let (folio, snap) = blocking(&state, move |c| -> Result<_, AppError> {
        let order = work_orders::find_visible(c, id)?.ok_or(AppError::NotFound)?;
        let snap = Snapshot::active(c, id, today)?.ok_or(AppError::NotFound)?;
        Ok((order.folio, snap))
    })
    .await??;
    let chart = chart(&snap, scale, depth);
    let svgs = if print {
        chart.pages()
    } else {
        vec![chart.svg()]
    };
    let mut critical = Vec::new();
    let (mut ours, mut theirs, mut differ) = (0, 0, Vec::new());
    for (i, t) in snap.tasks.iter().enumerate() {
        let Some(s) = chart.slack[i] else { continue };
        if s.critical {
            ours += 1;
            critical.push(CriticalRow {
                id: t.id,
                wbs: t.wbs.clone(),
                name: t.name.clone(),
                start: format::date(Some(t.start)),
                finish: format::date(Some(t.finish)),
                slack: format!("{:.1}", s.total_days.max(0.0)),
            });
        }
        if t.critical {
            theirs += 1;
        }
        if t.critical != s.critical {
            differ.push(format!(
                "{} ({} {:.1} d)",
                t.id,
                if s.critical {
                    "crítica aquí, holgura"
                } else {
                    "no crítica aquí, holgura"
                },
                s.total_days
            ));
        }
    }
    let note = if theirs == 0 {
        format!("Faena calculó {ours} tareas críticas; el archivo no marca ninguna como crítica.")
    } else if differ.is_empty() {
        format!("Las {ours} tareas críticas coinciden con las que marca el archivo de MS Project.")
    } else {
        format!(
            "Faena calculó {ours} tareas críticas y el archivo marca {theirs}; difieren {} (ID: {}). MS Project considera calendarios de tareas y de recursos, restricciones y vínculos de tareas resumen, que Faena no lee (sí lee el calendario del proyecto); Faena toma la fecha de inicio del archivo como «no comenzar antes de».",
            differ.len(),
            differ
                .iter()
                .take(10)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    render(
        StatusCode::OK,
        &GanttPage {
            ctx,
            id,
            folio,
            version: snap.version.number,
            scale: scale.code(),
            nivel: depth.map(|d| d.to_string()).unwrap_or_default(),
            print,
            svgs,
            critical,
            note,
            rows: chart.rows.len(),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::esc;

    #[test]
    fn svg_text_is_escaped() {
        assert_eq!(esc("<script>&\"'"), "&lt;script&gt;&amp;&quot;&apos;");
    }
}
