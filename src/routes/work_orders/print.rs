//! `GET /ot/imprimir`: "Imprimir selección", the orders of the list's filters (up to
//! `PRINT_LIMIT`), one per Letter page, for the browser's print dialog (W13).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::detail::{Field, StepRow, fields_of, kind_label, step_rows};
use super::list::ListQuery;
use super::{ProgressView, apply_selection};
use crate::db::steps;
use crate::domain::codes::record_state;
use crate::domain::format;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::services::listing::{ListData, load};
use crate::web::AppState;
use crate::web::auth::{CurrentUser, SeenVersions};
use crate::web::blocking;
use crate::web::page::{PageCtx, render};

/// The most orders one print holds: enough for a week's reports, bounded so a broad filter
/// cannot build a page of tens of thousands of orders.
pub const PRINT_LIMIT: i64 = 100;

/// One order's page.
pub struct PrintedOrder {
    pub id: i32,
    pub folio: String,
    pub kind_label: String,
    pub to_define: bool,
    pub fields: Vec<Field>,
    pub progress: ProgressView,
    pub steps: Vec<StepRow>,
}

#[derive(Template)]
#[template(path = "work_orders/print_selection.html")]
struct PrintPage {
    ctx: PageCtx,
    orders: Vec<PrintedOrder>,
    total: i64,
    limit: i64,
    back: String,
    print_date: String,
    /// The company's name for each order's header ("" for none).
    company: String,
}

#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "work_orders::print::selection")
)]
pub async fn selection(
    state: web::Data<AppState>,
    ctx: PageCtx,
    user: CurrentUser,
    request: HttpRequest,
    query: web::Query<ListQuery>,
    seen: SeenVersions,
) -> Result<HttpResponse, AppError> {
    let mut query = query.into_inner();
    query.page.clear();
    query.per.clear();
    let back = query.href(|_| {});
    let today = state.clock.today();
    let mut filter = query.to_filter(today, user.role.allows(Role::Admin));
    apply_selection(&request, &mut filter)?;
    filter.offset = 0;
    filter.limit = PRINT_LIMIT;
    let cache = state.caches.clone();
    let (data, mut steps_by_order, company) = blocking(&state, move |c| -> Result<_, AppError> {
        let data = load(c, &filter, &cache, seen.0)?;
        let ids: Vec<i32> = data.listed.iter().map(|l| l.order.id).collect();
        let steps = steps::for_orders(c, &ids)?;
        let company = data.catalogs.company.clone();
        Ok((data, steps, company))
    })
    .await??;
    let ListData {
        catalogs,
        total,
        listed,
        ..
    } = data;
    let orders = listed
        .into_iter()
        .map(|l| {
            let o = &l.order;
            let steps = steps_by_order.remove(&o.id).unwrap_or_default();
            PrintedOrder {
                id: o.id,
                folio: o.folio.clone(),
                kind_label: kind_label(o),
                to_define: o.record_state == record_state::TO_DEFINE,
                fields: fields_of(o, &catalogs, l.pte_folio.clone()),
                progress: ProgressView::of(o, l.steps, today),
                steps: step_rows(&steps),
            }
        })
        .collect();
    render(
        StatusCode::OK,
        &PrintPage {
            ctx,
            orders,
            total,
            limit: PRINT_LIMIT,
            back,
            print_date: format::date(Some(today)),
            company,
        },
    )
}
