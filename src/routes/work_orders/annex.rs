//! The OT's "Anexo C" (W14): the section of the detail page (items, totals at the administered
//! exchange rate, the schedule by month, past imports), the upload (`POST /ot/{id}/anexo`), the
//! error workbook of a refused upload, and the items' CSV/XLSX exports.

use std::collections::HashMap;

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::{Datelike, NaiveDate, Utc};

use crate::db::annexes::{self as repo, Import, ItemRow, Rate};
use crate::db::{DbConn, work_orders};
use crate::domain::annex::{
    PRICE_SCALE, RowError, VOLUME_SCALE, amount_centavos, centavos, format_price, format_scaled,
    totals,
};
use crate::domain::format;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::services::Actor;
use crate::services::annexes::{self, ERRORS_SHOWN, ImportError, ImportMode, MAX_FILE_BYTES};
use crate::web::AppState;
use crate::web::auth::CurrentUser;
use crate::web::page::{Flasher, PageCtx, flash, render};
use crate::web::response::see_other;
use crate::web::{blocking, download, upload};

/// Items per page of the section.
pub const ITEMS_PER_PAGE: i64 = 50;

/// One item as the section shows it.
pub struct ItemView {
    pub row: i32,
    pub annex: String,
    pub code: String,
    pub description: String,
    pub unit: String,
    pub volume: String,
    pub price_mxn: String,
    pub price_usd: String,
    pub amount_mxn: String,
    pub amount_usd: String,
    /// Programmed volume per month of `ActiveView::months`.
    pub months: Vec<String>,
}

/// A past or present import.
pub struct ImportView {
    pub at: String,
    pub user: String,
    pub file: String,
    pub rows: i32,
    pub mode: String,
    pub active: bool,
}

/// The active import.
pub struct ActiveView {
    pub items: Vec<ItemView>,
    pub total_items: i64,
    pub page: i64,
    pub pages: Vec<(i64, bool)>,
    pub total_mxn: String,
    pub total_usd: String,
    /// "$…" at the rate, or `None` without a rate.
    pub homologated: Option<String>,
    pub months: Vec<String>,
}

/// Everything the section shows.
pub struct AnnexView {
    pub active: Option<ActiveView>,
    pub imports: Vec<ImportView>,
    /// "19.1648 MXN por USD, vigente desde 01/11/2026" or a note that none is set.
    pub rate_text: String,
    pub has_rate: bool,
}

fn month_label(d: NaiveDate) -> String {
    let m = format::month_short(d);
    format!("{m} {}", d.year())
}

pub fn rate_text(rate: Option<&Rate>) -> String {
    match rate {
        Some(r) => format!(
            "{} MXN por USD, vigente desde {}",
            format_scaled(r.rate, PRICE_SCALE),
            format::date(Some(r.valid_on))
        ),
        None => "Sin tipo de cambio registrado: un administrador lo registra en Administración › \
                 Tipo de cambio."
            .to_owned(),
    }
}

/// Loads the section for an order (one import's page of items, never every item's row), with
/// the exchange rate in use.
pub fn load_view(
    c: &mut DbConn,
    order: i32,
    page: i64,
    rate: Option<Rate>,
) -> diesel::QueryResult<AnnexView> {
    let imports = repo::imports_of(c, order)?;
    let active = match imports.iter().find(|i| i.active) {
        Some(import) => Some(active_view(c, import, page, rate.as_ref())?),
        None => None,
    };
    Ok(AnnexView {
        active,
        imports: imports.iter().map(import_view).collect(),
        rate_text: rate_text(rate.as_ref()),
        has_rate: rate.is_some(),
    })
}

fn import_view(i: &Import) -> ImportView {
    ImportView {
        at: format::timestamp(i.created_at),
        user: i.username.clone(),
        file: i.file_name.clone(),
        rows: i.rows,
        mode: if i.mode == ImportMode::Update.code() {
            "Actualización".into()
        } else {
            "Nueva".into()
        },
        active: i.active,
    }
}

fn active_view(
    c: &mut DbConn,
    import: &Import,
    page: i64,
    rate: Option<&Rate>,
) -> diesel::QueryResult<ActiveView> {
    let amounts = repo::amounts(c, import.id)?;
    let total_items = i64::try_from(amounts.len()).unwrap_or(0);
    let last_page = ((total_items + ITEMS_PER_PAGE - 1) / ITEMS_PER_PAGE).max(1);
    let page = page.clamp(1, last_page);
    let items = repo::items_page(c, import.id, (page - 1) * ITEMS_PER_PAGE, ITEMS_PER_PAGE)?;
    let months = repo::months_of(import);
    let ids: Vec<i32> = items.iter().map(|i| i.id).collect();
    let mut per_month: HashMap<(i32, NaiveDate), i64> = HashMap::new();
    for (item, day, volume) in repo::daily_of(c, &ids)? {
        if let Some(month) = day.with_day(1) {
            *per_month.entry((item, month)).or_default() += volume;
        }
    }
    let (mxn, usd, homologated) = totals(&amounts, rate.map(|r| r.rate));
    Ok(ActiveView {
        items: items
            .iter()
            .map(|i| item_view(i, &months, &per_month))
            .collect(),
        total_items,
        page,
        pages: (1..=last_page).map(|p| (p, p == page)).collect(),
        total_mxn: format::money(mxn),
        total_usd: format::money(usd),
        homologated: homologated.map(format::money),
        months: months.iter().map(|m| month_label(*m)).collect(),
    })
}

fn item_view(
    i: &ItemRow,
    months: &[NaiveDate],
    per_month: &HashMap<(i32, NaiveDate), i64>,
) -> ItemView {
    ItemView {
        row: i.row_number,
        annex: i.annex.clone(),
        code: i.code.clone(),
        description: i.description.clone(),
        unit: i.unit.clone(),
        volume: format_scaled(i.volume, VOLUME_SCALE),
        price_mxn: format_price(i.price_mxn),
        price_usd: format_price(i.price_usd),
        amount_mxn: format::money(centavos(amount_centavos(i.volume, i.price_mxn))),
        amount_usd: format::money(centavos(amount_centavos(i.volume, i.price_usd))),
        months: months
            .iter()
            .map(|m| {
                per_month
                    .get(&(i.id, *m))
                    .map(|v| format_scaled(*v, VOLUME_SCALE))
                    .unwrap_or_default()
            })
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "work_orders/annex_refused.html")]
struct RefusedPage {
    ctx: PageCtx,
    id: i32,
    message: String,
    errors: Vec<RowError>,
    total_errors: usize,
    report: Option<String>,
}

/// `POST /ot/{id}/anexo`: imports an annex (gestor and admin).
#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "work_orders::annex::upload")
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
    let refused = |ctx, status, message: String| {
        render(
            status,
            &RefusedPage {
                ctx,
                id,
                message,
                errors: Vec::new(),
                total_errors: 0,
                report: None,
            },
        )
    };
    let missing = "Elija el archivo del anexo (.xlsx).";
    let posted = match upload::read(form, "archivo", MAX_FILE_BYTES, missing).await {
        Ok(p) => p,
        Err(msg) => return refused(ctx, StatusCode::UNPROCESSABLE_ENTITY, msg),
    };
    let mode = match posted.fields.get("modo").map(|m| m.trim()) {
        Some("actualizar") => ImportMode::Update,
        _ => ImportMode::New,
    };
    let actor = Actor::from(&user);
    let result = blocking(&state, move |c| {
        annexes::import(
            c,
            id,
            &posted.file_name,
            &posted.bytes,
            mode,
            &actor,
            Utc::now().naive_utc(),
        )
    })
    .await?;
    match result {
        Ok(o) => {
            let text = if o.updated > 0 || o.untouched > 0 {
                format!(
                    "Anexo actualizado: {} partidas actualizadas, {} agregadas, {} sin cambio.",
                    o.updated, o.added, o.untouched
                )
            } else {
                format!("Nueva importación creada: {} partidas registradas.", o.rows)
            };
            flash(&flasher, true, text);
            Ok(see_other(&format!("/ot/{id}#anexo")))
        }
        Err(ImportError::File(msg)) => refused(ctx, StatusCode::UNPROCESSABLE_ENTITY, msg),
        Err(ImportError::NoActive) => refused(
            ctx,
            StatusCode::CONFLICT,
            "No hay una importación activa que actualizar: use «Nueva importación».".into(),
        ),
        Err(ImportError::Rows {
            errors,
            rows,
            report,
        }) => render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &RefusedPage {
                ctx,
                id,
                message: format!(
                    "No se importó nada: {} de {rows} partidas tienen errores.",
                    errors.len()
                ),
                total_errors: errors.len(),
                errors: errors.into_iter().take(ERRORS_SHOWN).collect(),
                report: report.map(|r| format!("/ot/{id}/anexo/errores/{r}")),
            },
        ),
        Err(ImportError::NotFound) => Err(AppError::NotFound),
        Err(ImportError::Db(e)) => Err(e.into()),
    }
}

/// `GET /ot/{id}/anexo/errores/{report}`: the error workbook, for whoever uploaded it (or an
/// administrator).
#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "work_orders::annex::error_report")
)]
pub async fn error_report(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(i32, i32)>,
) -> Result<HttpResponse, AppError> {
    user.require(Role::Gestor)?;
    let (order, report) = path.into_inner();
    let found = blocking(&state, move |c| repo::find_report(c, report)).await??;
    let Some(report) = found else {
        return Err(AppError::NotFound);
    };
    let mine = report.user_id == Some(user.id) || user.role.allows(Role::Admin);
    if report.work_order_id != Some(order) || !mine {
        return Err(AppError::NotFound);
    }
    Ok(download::attachment(&report.file_name, download::XLSX).body(report.content))
}

/// The active import's items of a visible order, for the exports.
fn export_items(c: &mut DbConn, order: i32) -> Result<(String, Vec<ItemRow>), AppError> {
    let o = work_orders::find_visible(c, order)?.ok_or(AppError::NotFound)?;
    let import = repo::active_import(c, order)?.ok_or(AppError::NotFound)?;
    Ok((o.folio, repo::items_of(c, import.id)?))
}

const EXPORT_HEADER: [&str; 10] = [
    "Fila",
    "Anexo",
    "Partida",
    "Concepto",
    "Unidad",
    "Cantidad",
    "P.U. M.N.",
    "P.U. USD",
    "Importe M.N.",
    "Importe USD",
];

/// `GET /ot/{id}/anexo.csv`
#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "work_orders::annex::export_csv")
)]
pub async fn export_csv(
    state: web::Data<AppState>,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let order = path.into_inner();
    let (folio, items) = blocking(&state, move |c| export_items(c, order)).await??;
    let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    let plain = |v: i64, scale| format_scaled(v, scale).replace(',', "");
    let csv_error = AppError::internal;
    crate::web::download::csv_row(&mut w, EXPORT_HEADER).map_err(csv_error)?;
    for i in &items {
        crate::web::download::csv_row(
            &mut w,
            [
                i.row_number.to_string(),
                i.annex.clone(),
                i.code.clone(),
                i.description.clone(),
                i.unit.clone(),
                plain(i.volume, VOLUME_SCALE),
                plain(i.price_mxn, PRICE_SCALE),
                plain(i.price_usd, PRICE_SCALE),
                format::money_plain(centavos(amount_centavos(i.volume, i.price_mxn))),
                format::money_plain(centavos(amount_centavos(i.volume, i.price_usd))),
            ],
        )
        .map_err(csv_error)?;
    }
    let body = w
        .into_inner()
        .map_err(|e| AppError::internal(e.into_error()))?;
    Ok(download::attachment(&format!("anexo-{folio}.csv"), download::CSV).body(body))
}

/// `GET /ot/{id}/anexo.xlsx`
#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "work_orders::annex::export_xlsx")
)]
pub async fn export_xlsx(
    state: web::Data<AppState>,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let order = path.into_inner();
    let (folio, content) = blocking(&state, move |c| -> Result<_, AppError> {
        use rust_xlsxwriter::{Format, Workbook};
        let (folio, items) = export_items(c, order)?;
        let xl = AppError::internal;
        let mut book = Workbook::new();
        let ws = book.add_worksheet();
        ws.set_name("Anexo C").map_err(xl)?;
        let bold = Format::new().set_bold();
        // Volumes keep up to 6 decimals without trailing zeros (12.5, not 12.500000).
        let qty = Format::new().set_num_format("#,##0.00####");
        let price = Format::new().set_num_format("\"$\"#,##0.00##");
        let mxn = Format::new().set_num_format("\"$\"#,##0.00\" MXN\"");
        let usd = Format::new().set_num_format("\"$\"#,##0.00\" USD\"");
        for (col, title) in EXPORT_HEADER.iter().enumerate() {
            let col = u16::try_from(col).unwrap_or(0);
            ws.write_string_with_format(0, col, *title, &bold)
                .map_err(xl)?;
            ws.set_column_width(col, if col == 3 { 60 } else { 14 })
                .map_err(xl)?;
        }
        ws.set_freeze_panes(1, 0).map_err(xl)?;
        #[expect(
            clippy::cast_precision_loss,
            reason = "money and volumes below 2^53 centavos are exact in f64 for the workbook"
        )]
        let scaled = |v: i64, s: i32| v as f64 / 10f64.powi(s);
        for (r, i) in items.iter().enumerate() {
            let row = u32::try_from(r + 1).unwrap_or(u32::MAX);
            ws.write_number(row, 0, f64::from(i.row_number))
                .map_err(xl)?;
            ws.write_string(row, 1, &i.annex).map_err(xl)?;
            ws.write_string(row, 2, &i.code).map_err(xl)?;
            ws.write_string(row, 3, &i.description).map_err(xl)?;
            ws.write_string(row, 4, &i.unit).map_err(xl)?;
            ws.write_number_with_format(row, 5, scaled(i.volume, 6), &qty)
                .map_err(xl)?;
            ws.write_number_with_format(row, 6, scaled(i.price_mxn, 4), &price)
                .map_err(xl)?;
            ws.write_number_with_format(row, 7, scaled(i.price_usd, 4), &price)
                .map_err(xl)?;
            let amount = |p| scaled(centavos(amount_centavos(i.volume, p)), 2);
            ws.write_number_with_format(row, 8, amount(i.price_mxn), &mxn)
                .map_err(xl)?;
            ws.write_number_with_format(row, 9, amount(i.price_usd), &usd)
                .map_err(xl)?;
        }
        Ok((folio, book.save_to_buffer().map_err(xl)?))
    })
    .await??;
    Ok(download::attachment(&format!("anexo-{folio}.xlsx"), download::XLSX).body(content))
}
