//! `GET /ot`: the list (W12), with its filters, sort and page in the query string.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::web;
use askama::Template;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{ProgressView, front_and_site, shorten};
use crate::db::catalogs::Entry;
use crate::db::work_orders::{ListFilter, SortKey};
use crate::domain::codes::{WorkOrderKind, record_state};
use crate::domain::format;
use crate::domain::input::{filter_id, filter_year, page_number, search_text};
use crate::domain::role::Role;
use crate::error::AppError;
use crate::services::listing::{ListData, load};
use crate::web::AppState;
use crate::web::auth::SeenVersions;
use crate::web::blocking;
use crate::web::page::{PageCtx, render};

pub const PAGE_SIZES: [i64; 4] = [10, 25, 50, 100];
/// Characters of the description a list row shows.
const DESCRIPTION_CHARS: usize = 48;

/// The first `max` characters of a text on one line, with "…" when it was longer.
const DEFAULT_PAGE_SIZE: i64 = 25;

/// The query string, kept raw so that a bad value is ignored rather than refused.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ListQuery {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub tipo: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub estatus: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub responsable: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub cliente: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub sitio: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub anio: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub q: String,
    /// `1`: only the overdue orders ("Vencidas").
    #[serde(skip_serializing_if = "String::is_empty")]
    pub vencidas: String,
    /// `1`: the deleted orders (administrators only; W7).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub eliminadas: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub orden: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub per: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub page: String,
}

impl ListQuery {
    pub fn per_page(&self) -> i64 {
        self.per
            .trim()
            .parse()
            .ok()
            .filter(|n| PAGE_SIZES.contains(n))
            .unwrap_or(DEFAULT_PAGE_SIZE)
    }

    pub fn page_number(&self) -> i64 {
        page_number(&self.page)
    }

    /// (key, descending); default newest first.
    pub fn sort(&self) -> (SortKey, bool) {
        let raw = self.orden.trim();
        let (desc, code) = match raw.strip_prefix('-') {
            Some(code) => (true, code),
            None => (false, raw),
        };
        match SortKey::from_code(code) {
            Some(key) => (key, desc),
            None => (SortKey::Id, true),
        }
    }

    /// The filter this query asks for; `today` decides what is overdue, and only an
    /// administrator (`admin`) may list the deleted orders.
    pub fn to_filter(&self, today: NaiveDate, admin: bool) -> ListFilter {
        let (sort, descending) = self.sort();
        let per = self.per_page();
        ListFilter {
            kind: WorkOrderKind::list_filter(&self.tipo).map(WorkOrderKind::id),
            status: filter_id(&self.estatus),
            project_manager: filter_id(&self.responsable),
            client: filter_id(&self.cliente),
            site: filter_id(&self.sitio),
            year: filter_year(&self.anio),
            parent: None,
            text: search_text(&self.q),
            names: Vec::new(),
            overdue_on: (self.vencidas.trim() == "1").then_some(today),
            deleted: admin && self.eliminadas.trim() == "1",
            ids: None,
            sort,
            descending,
            offset: (self.page_number() - 1).saturating_mul(per),
            limit: per,
        }
    }

    /// This view's URL with some parameters changed.
    pub fn href(&self, change: impl FnOnce(&mut ListQuery)) -> String {
        let mut q = self.clone();
        change(&mut q);
        let qs = serde_urlencoded::to_string(&q).unwrap_or_default();
        if qs.is_empty() {
            "/ot".to_owned()
        } else {
            format!("/ot?{qs}")
        }
    }
}

/// One row of the table.
pub struct Row {
    pub id: i32,
    pub version: i32,
    pub status_id: i32,
    pub folio: String,
    pub oficio: String,
    pub pte: String,
    pub client: String,
    /// The description, shortened to one line (the whole text goes in its tooltip).
    pub description_short: String,
    pub description: String,
    pub front_site: String,
    pub planned_start: String,
    pub planned_end: String,
    pub real_start: String,
    pub real_end: String,
    pub status: String,
    pub to_define: bool,
    /// Listed under "Eliminadas" (administrators).
    pub deleted: bool,
    pub revision: Option<i32>,
    pub reprogrammings: i64,
    pub progress: ProgressView,
    /// The active schedule's physical progress (W16): (value for the bar, "45.5", client text).
    pub physical: Option<(i32, String, String)>,
}

/// A sortable column header.
pub struct Column {
    pub label: &'static str,
    pub href: String,
    /// "asc", "desc" or "" when the list is not sorted by it.
    pub sorted: &'static str,
}

/// The list's total in words: grouped digits, or "más de 1,000" when a text search stopped
/// counting (`SEARCH_COUNT_LIMIT`).
fn total_text(filter: &ListFilter, total: i64) -> String {
    let limit = crate::db::work_orders::SEARCH_COUNT_LIMIT;
    if filter.text.is_some() && total > limit {
        format!("más de {}", format::group_thousands(limit.unsigned_abs()))
    } else {
        format::group_thousands(total.unsigned_abs())
    }
}

pub struct PageLink {
    pub label: String,
    pub href: String,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "work_orders/list.html")]
struct ListPage {
    ctx: PageCtx,
    query: ListQuery,
    total: i64,
    /// The total as the page says it: "1,234", or "más de 1,000" for a common searched word.
    total_text: String,
    rows: Vec<Row>,
    columns: Vec<Column>,
    pages: Vec<PageLink>,
    per_links: Vec<PageLink>,
    statuses: Vec<Entry>,
    managers: Vec<Entry>,
    clients: Vec<Entry>,
    sites: Vec<Entry>,
    years: Vec<i32>,
    filtered: bool,
    can_create: bool,
    /// Administrators may list the deleted orders.
    is_admin: bool,
    /// This view's URL, for the status menu to come back to.
    here: String,
    /// The CSV export of this view (same filters and order).
    export_href: String,
}

#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "work_orders::list::list")
)]
pub async fn list(
    state: web::Data<AppState>,
    ctx: PageCtx,
    query: web::Query<ListQuery>,
    seen: SeenVersions,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let today = state.clock.today();
    let is_admin = ctx
        .user
        .as_ref()
        .is_some_and(|u| u.role.allows(Role::Admin));
    let filter = query.to_filter(today, is_admin);
    let f = filter.clone();
    let cache = state.caches.clone();
    let ListData {
        catalogs,
        total,
        listed,
        children,
        physical,
        ..
    } = blocking(&state, move |c| load(c, &f, &cache, seen.0)).await??;

    let rows = listed
        .into_iter()
        .map(|l| {
            let o = &l.order;
            Row {
                id: o.id,
                version: o.version,
                status_id: o.status_id,
                folio: o.folio.clone(),
                oficio: o.oficio.clone(),
                pte: l.pte_folio.clone().unwrap_or_default(),
                client: l.client_name.clone().unwrap_or_default(),
                description_short: shorten(&o.description, DESCRIPTION_CHARS),
                description: o.description.clone(),
                front_site: front_and_site(&catalogs, o),
                planned_start: format::date(o.planned_start),
                planned_end: format::date(o.planned_end),
                real_start: format::date(o.real_start),
                real_end: format::date(o.real_end),
                status: l.status_name.clone(),
                to_define: o.record_state == record_state::TO_DEFINE,
                deleted: o.record_state == record_state::DELETED,
                revision: o.revision,
                reprogrammings: children.get(&o.id).copied().unwrap_or(0),
                progress: ProgressView::of(o, l.steps, today),
                physical: physical.get(&o.id).map(|(real, client)| {
                    (
                        real / 100,
                        crate::domain::schedule::pct_text(*real),
                        crate::domain::schedule::pct_text(*client),
                    )
                }),
            }
        })
        .collect();

    let (sort, desc) = query.sort();
    let column = |label: &'static str, key: SortKey| {
        let sorted = if sort == key {
            if desc { "desc" } else { "asc" }
        } else {
            ""
        };
        let next = if sort == key && !desc {
            format!("-{}", key.code())
        } else {
            key.code().to_owned()
        };
        Column {
            label,
            href: query.href(|q| {
                q.orden = next;
                q.page.clear();
            }),
            sorted,
        }
    };
    let columns = vec![
        column("Folio", SortKey::Folio),
        column("Oficio", SortKey::Oficio),
        column("PTE", SortKey::Pte),
        column("Cliente", SortKey::Client),
        Column {
            label: "Descripción",
            href: String::new(),
            sorted: "",
        },
        column("Inicio prog.", SortKey::PlannedStart),
        column("Término prog.", SortKey::PlannedEnd),
        column("Inicio real", SortKey::RealStart),
        column("Término real", SortKey::RealEnd),
        column("Estatus", SortKey::Status),
    ];

    let per = filter.limit;
    let last_page = ((total + per - 1) / per).max(1);
    let current = query.page_number();
    let mut pages = Vec::new();
    let window = (current.saturating_sub(3).max(1))..=((current + 3).min(last_page));
    if current > 1 {
        pages.push(PageLink {
            label: "« Anterior".into(),
            href: query.href(|q| q.page = (current - 1).to_string()),
            current: false,
        });
    }
    for n in window {
        pages.push(PageLink {
            label: n.to_string(),
            href: query.href(|q| q.page = n.to_string()),
            current: n == current,
        });
    }
    if current < last_page {
        pages.push(PageLink {
            label: "Siguiente »".into(),
            href: query.href(|q| q.page = (current + 1).to_string()),
            current: false,
        });
    }
    let per_links = PAGE_SIZES
        .iter()
        .map(|n| PageLink {
            label: n.to_string(),
            href: query.href(|q| {
                q.per = n.to_string();
                q.page.clear();
            }),
            current: *n == per,
        })
        .collect();

    let this_year = chrono::Datelike::year(&today);
    let filtered = filter
        != ListFilter {
            offset: 0,
            limit: per,
            sort,
            descending: desc,
            ..ListFilter::default()
        };
    let active = |list: &[Entry]| {
        list.iter()
            .filter(|e| e.active)
            .cloned()
            .collect::<Vec<_>>()
    };
    render(
        StatusCode::OK,
        &ListPage {
            is_admin,
            can_create: ctx
                .user
                .as_ref()
                .is_some_and(|u| u.role.allows(crate::domain::role::Role::Gestor)),
            ctx,
            total_text: total_text(&filter, total),
            total,
            rows,
            columns,
            pages,
            per_links,
            statuses: catalogs.ot_statuses().into_iter().cloned().collect(),
            managers: active(&catalogs.project_managers),
            clients: active(&catalogs.clients),
            sites: active(&catalogs.sites),
            years: (2018..=this_year + 1).rev().collect(),
            filtered,
            here: query.href(|_| {}),
            export_href: query
                .href(|q| q.page.clear())
                .replacen("/ot", "/ot/exportar.csv", 1),
            query,
        },
    )
}
