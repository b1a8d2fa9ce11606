//! `GET /actividad`: every recorded change (W11), newest first, for administrators, filterable
//! by user, table, action, date range and record; each entry links to its record.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::{Duration, NaiveTime};
use serde::{Deserialize, Serialize};

use crate::db::activity::{self, LogFilter};
use crate::db::{users, work_orders};
use crate::domain::activity::{ACTIONS, TABLES, action_label, field_label, table_label};
use crate::domain::catalog::Catalog;
use crate::domain::format;
use crate::domain::input::search_text;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::web::AppState;
use crate::web::auth::CurrentUser;
use crate::web::blocking;
use crate::web::page::{PageCtx, render};

const PER_PAGE: i64 = 50;

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct LogQuery {
    #[serde(skip_serializing_if = "String::is_empty")]
    usuario: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    tabla: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    accion: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    registro: String,
    /// An OT's folio: its entries and its reprogrammings'.
    #[serde(skip_serializing_if = "String::is_empty")]
    folio: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    desde: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    hasta: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    page: String,
}

impl LogQuery {
    fn page_number(&self) -> i64 {
        self.page
            .trim()
            .parse()
            .ok()
            .filter(|p: &i64| *p > 0)
            .unwrap_or(1)
    }

    /// Dates are days in Mexico City: `desde` from its first minute, `hasta` to its last.
    fn to_filter(&self) -> LogFilter {
        let day = |raw: &str| format::parse_date(raw).ok().flatten();
        let utc = |d: chrono::NaiveDate, t: NaiveTime| {
            d.and_time(t)
                .and_local_timezone(chrono_tz::America::Mexico_City)
                .earliest()
                .map(|z| z.naive_utc())
        };
        LogFilter {
            username: search_text(&self.usuario).map(|u| u.to_lowercase()),
            table: search_text(&self.tabla),
            action: search_text(&self.accion),
            record_id: self.registro.trim().parse().ok(),
            record_ids: None,
            from: day(&self.desde).and_then(|d| utc(d, NaiveTime::MIN)),
            until: day(&self.hasta)
                .and_then(|d| utc(d + Duration::days(1), NaiveTime::MIN))
                .map(|t| t - Duration::seconds(1)),
            offset: (self.page_number() - 1).saturating_mul(PER_PAGE),
            limit: PER_PAGE,
        }
    }

    fn href(&self, page: i64) -> String {
        let mut q = self.clone();
        q.page = page.to_string();
        format!(
            "/actividad?{}",
            serde_urlencoded::to_string(&q).unwrap_or_default()
        )
    }
}

pub struct Row {
    pub at: String,
    pub user: String,
    pub action: String,
    pub table: String,
    pub record: String,
    pub link: Option<String>,
    pub field: String,
    pub old: String,
    pub new: String,
    pub detail: String,
}

#[derive(Template)]
#[template(path = "activity.html")]
struct LogPage {
    ctx: PageCtx,
    tables: &'static [(&'static str, &'static str)],
    actions: &'static [(&'static str, &'static str)],
    q: LogQuery,
    total: i64,
    rows: Vec<Row>,
    prev: Option<String>,
    next: Option<String>,
}

fn link(table: &str, id: Option<i32>) -> Option<String> {
    let id = id?;
    match table {
        crate::db::work_orders::TABLE => Some(format!("/ot/{id}")),
        crate::services::planning_docs::TABLE => Some(format!("/pte/{id}")),
        "users" => Some("/admin/usuarios".to_owned()),
        "step_templates" => Some(format!("/admin/plantillas/{id}")),
        "step_rules" => Some("/admin/reglas".to_owned()),
        "exchange_rates" => Some("/admin/tipo-de-cambio".to_owned()),
        "concepts" if id > 0 => Some(format!("/admin/conceptos/{id}")),
        "concepts" => Some("/admin/conceptos".to_owned()),
        "statuses" if crate::domain::codes::ot_status::ALL.contains(&id) => {
            Some(format!("/admin/catalogos/estatus-ot/{id}"))
        }
        "statuses" => Some(format!("/admin/catalogos/estatus-pasos/{id}")),
        other => Catalog::ALL
            .into_iter()
            .find(|c| c.table() == other)
            .map(|c| format!("/admin/catalogos/{}/{id}", c.slug())),
    }
}

#[tracing::instrument(name = "handler", skip_all, fields(handler = "activity::list"))]
pub async fn list(
    state: web::Data<AppState>,
    ctx: PageCtx,
    user: CurrentUser,
    query: web::Query<LogQuery>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Admin)?;
    let q = query.into_inner();
    let mut filter = q.to_filter();
    let folio = search_text(&q.folio);
    let (total, entries, folios, names) = blocking(&state, move |c| -> Result<_, AppError> {
        if let Some(folio) = &folio {
            filter.table = Some(crate::db::work_orders::TABLE.to_owned());
            filter.record_ids = Some(work_orders::ids_with_folio(c, folio)?);
        }
        let (total, entries) = activity::page(c, &filter)?;
        let orders: Vec<i32> = entries
            .iter()
            .filter(|e| e.table_name == crate::db::work_orders::TABLE)
            .filter_map(|e| e.record_id)
            .collect();
        let logins: Vec<String> = entries.iter().map(|e| e.username.clone()).collect();
        Ok((
            total,
            entries,
            work_orders::folios(c, &orders)?,
            users::display_names(c, &logins)?,
        ))
    })
    .await??;
    let rows = entries
        .into_iter()
        .map(|e| {
            let record = match e.record_id {
                Some(id) if e.table_name == crate::db::work_orders::TABLE => {
                    folios.get(&id).cloned().unwrap_or_else(|| format!("#{id}"))
                }
                Some(id) => format!("#{id}"),
                None => String::new(),
            };
            Row {
                at: format::timestamp(e.at),
                link: link(&e.table_name, e.record_id),
                user: names.get(&e.username).cloned().unwrap_or(e.username),
                action: action_label(&e.action).to_owned(),
                record,
                table: table_label(&e.table_name).to_owned(),
                field: e
                    .field
                    .as_deref()
                    .map(field_label)
                    .unwrap_or_default()
                    .to_owned(),
                old: e.old_value.unwrap_or_default(),
                new: e.new_value.unwrap_or_default(),
                detail: e.detail.unwrap_or_default(),
            }
        })
        .collect();
    let page = q.page_number();
    render(
        StatusCode::OK,
        &LogPage {
            ctx,
            tables: TABLES,
            actions: ACTIONS,
            prev: (page > 1).then(|| q.href(page - 1)),
            next: (page * PER_PAGE < total).then(|| q.href(page + 1)),
            q,
            total,
            rows,
        },
    )
}
