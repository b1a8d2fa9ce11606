//! Exports of the list with its filters, page by page so memory stays bounded whatever the
//! number of orders: `GET /ot/exportar.csv` (UTF-8 with BOM, so Excel shows the accents, streamed)
//! and `GET /ot/exportar.xlsx` (real dates and numbers, MXN/USD formats, frozen header; the
//! worksheet is written in rust_xlsxwriter's constant-memory mode, through temporary files).

use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, web};
use futures_util::stream;

use super::list::ListQuery;
use super::{ProgressView, apply_selection, front_and_site};
use crate::db::catalogs::CatalogKind;
use crate::domain::codes::{kind, record_state};
use crate::domain::format;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::services::listing::Pages;
use crate::web::auth::CurrentUser;
use crate::web::{AppState, blocking, download};

/// Rows per database page (and per chunk sent).
const PAGE: usize = 1000;
/// Chunks waiting to be sent; the producer pauses when the client reads slowly.
const BUFFERED_CHUNKS: usize = 4;

const HEADER: [&str; 24] = [
    "Folio",
    "Oficio",
    "Tipo",
    "Reprogramación",
    "PTE",
    "Cliente",
    "Responsable del proyecto",
    "Frente / sitio",
    "Estatus",
    "Registro",
    "Inicio programado",
    "Término programado",
    "Inicio real",
    "Término real",
    "Monto MXN",
    "Monto USD",
    "Avance %",
    "Avance tiempo %",
    "Avance pasos %",
    "Pasos completados",
    "Pasos aplicables",
    "Descripción",
    "Responsable del cliente",
    "Plazo (días)",
];

fn chunk(
    rows: impl FnOnce(&mut csv::Writer<Vec<u8>>) -> csv::Result<()>,
) -> Result<Bytes, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::with_capacity(256 * 1024));
    rows(&mut w)?;
    w.into_inner()
        .map(Bytes::from)
        .map_err(|e| e.into_error().into())
}

#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "work_orders::export::csv")
)]
pub async fn csv(
    state: web::Data<AppState>,
    user: CurrentUser,
    request: HttpRequest,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let today = state.clock.today();
    let mut filter = query
        .into_inner()
        .to_filter(today, user.role.allows(Role::Admin));
    apply_selection(&request, &mut filter)?;
    let pool = state.pool.clone();
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, AppError>>(BUFFERED_CHUNKS);
    let span = tracing::Span::current();
    actix_web::rt::task::spawn_blocking(move || {
        let _in_request = span.enter();
        let send = |item| tx.blocking_send(item).is_ok();
        let mut first = true;
        let mut conn = match pool.get() {
            Ok(c) => c,
            Err(e) => {
                send(Err(AppError::from(e)));
                return;
            }
        };
        let mut pages = match Pages::start(&mut conn, &filter, PAGE) {
            Ok(p) => p,
            Err(e) => {
                send(Err(AppError::from(e)));
                return;
            }
        };
        loop {
            let data = match pages.next_page(&mut conn) {
                Ok(d) => d,
                Err(e) => {
                    tracing::error!(error = %e, "CSV export failed");
                    return;
                }
            };
            if data.is_none() && !first {
                return;
            }
            let bytes = chunk(|w| {
                if first {
                    crate::web::download::csv_row(w, HEADER)?;
                }
                let Some(data) = &data else {
                    return Ok(());
                };
                for l in &data.listed {
                    let o = &l.order;
                    let p = ProgressView::of(o, l.steps, today);
                    crate::web::download::csv_row(
                        w,
                        [
                            o.folio.clone(),
                            o.oficio.clone(),
                            if o.kind_id == kind::REPROGRAMMING {
                                "REPROGRAMACION".into()
                            } else {
                                "INICIAL".into()
                            },
                            o.revision.map(|r| r.to_string()).unwrap_or_default(),
                            l.pte_folio.clone().unwrap_or_default(),
                            l.client_name.clone().unwrap_or_default(),
                            data.catalogs
                                .name(CatalogKind::ProjectManager, Some(o.project_manager_id)),
                            front_and_site(&data.catalogs, o),
                            l.status_name.clone(),
                            if o.record_state == record_state::TO_DEFINE {
                                "POR DEFINIR".into()
                            } else {
                                "ACTIVA".into()
                            },
                            format::date(o.planned_start),
                            format::date(o.planned_end),
                            format::date(o.real_start),
                            format::date(o.real_end),
                            format::money_plain(o.amount_mxn),
                            format::money_plain(o.amount_usd),
                            p.percent.to_string(),
                            p.time_percent.to_string(),
                            p.step_percent.to_string(),
                            p.completed.to_string(),
                            p.applicable.to_string(),
                            o.description.clone(),
                            o.client_representative.clone(),
                            o.duration_days.map(|d| d.to_string()).unwrap_or_default(),
                        ],
                    )?;
                }
                Ok(())
            });
            let bytes = match bytes {
                Ok(b) if first => {
                    let mut with_bom = b"\xEF\xBB\xBF".to_vec();
                    with_bom.extend_from_slice(&b);
                    Bytes::from(with_bom)
                }
                Ok(b) => b,
                Err(e) => {
                    tracing::error!(error = %e, "CSV export failed");
                    return;
                }
            };
            first = false;
            if !send(Ok(bytes)) {
                return;
            }
        }
    });
    let body = stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    });
    Ok(download::attachment("ordenes-de-trabajo.csv", download::CSV).streaming(body))
}

/// `GET /ot/exportar.xlsx`.
#[tracing::instrument(
    name = "handler",
    skip_all,
    fields(handler = "work_orders::export::xlsx")
)]
pub async fn xlsx(
    state: web::Data<AppState>,
    user: CurrentUser,
    request: HttpRequest,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let today = state.clock.today();
    let mut filter = query
        .into_inner()
        .to_filter(today, user.role.allows(Role::Admin));
    apply_selection(&request, &mut filter)?;
    let bytes = blocking(&state, move |conn| -> Result<Vec<u8>, AppError> {
        use rust_xlsxwriter::{Format, Workbook};
        let mut book = Workbook::new();
        let sheet = book
            .add_worksheet_with_constant_memory()
            .map_err(AppError::internal)?;
        sheet.set_name("OT").map_err(AppError::internal)?;
        let bold = Format::new().set_bold();
        let date = Format::new().set_num_format("dd/mm/yyyy");
        let mxn = Format::new().set_num_format("\"$\"#,##0.00\" MXN\"");
        let usd = Format::new().set_num_format("\"$\"#,##0.00\" USD\"");
        let xl = AppError::internal;
        for (col, title) in HEADER.iter().enumerate() {
            let col = u16::try_from(col).unwrap_or(0);
            sheet
                .write_string_with_format(0, col, *title, &bold)
                .map_err(xl)?;
            let width = match col {
                0 | 1 | 4 => 18,
                5..=7 | 22 => 30,
                14 | 15 => 20,
                21 => 60,
                _ => 13,
            };
            sheet.set_column_width(col, width).map_err(xl)?;
        }
        sheet.set_freeze_panes(1, 0).map_err(xl)?;
        let mut row: u32 = 1;
        let mut pages = Pages::start(conn, &filter, PAGE)?;
        while let Some(data) = pages.next_page(conn)? {
            for l in &data.listed {
                let o = &l.order;
                let p = ProgressView::of(o, l.steps, today);
                let texts = [
                    (0, o.folio.clone()),
                    (1, o.oficio.clone()),
                    (
                        2,
                        if o.kind_id == kind::REPROGRAMMING {
                            "REPROGRAMACION".into()
                        } else {
                            "INICIAL".into()
                        },
                    ),
                    (4, l.pte_folio.clone().unwrap_or_default()),
                    (5, l.client_name.clone().unwrap_or_default()),
                    (
                        6,
                        data.catalogs
                            .name(CatalogKind::ProjectManager, Some(o.project_manager_id)),
                    ),
                    (7, front_and_site(&data.catalogs, o)),
                    (8, l.status_name.clone()),
                    (
                        9,
                        if o.record_state == record_state::TO_DEFINE {
                            "POR DEFINIR".into()
                        } else {
                            "ACTIVA".into()
                        },
                    ),
                ];
                for (col, text) in texts {
                    sheet.write_string(row, col, text).map_err(xl)?;
                }
                if let Some(r) = o.revision {
                    sheet.write_number(row, 3, r).map_err(xl)?;
                }
                for (col, d) in [
                    (10, o.planned_start),
                    (11, o.planned_end),
                    (12, o.real_start),
                    (13, o.real_end),
                ] {
                    if let Some(d) = d {
                        sheet
                            .write_date_with_format(row, col, d, &date)
                            .map_err(xl)?;
                    }
                }
                // Centavos to pesos: exact for any amount below 2^53 centavos.
                #[expect(clippy::cast_precision_loss, reason = "money and volumes below 2^53 centavos are exact in f64 for the workbook")]
                let money = |c: i64| c as f64 / 100.0;
                sheet
                    .write_number_with_format(row, 14, money(o.amount_mxn), &mxn)
                    .map_err(xl)?;
                sheet
                    .write_number_with_format(row, 15, money(o.amount_usd), &usd)
                    .map_err(xl)?;
                for (col, n) in [(16, p.percent), (17, p.time_percent), (18, p.step_percent)] {
                    sheet.write_number(row, col, n).map_err(xl)?;
                }
                #[expect(clippy::cast_precision_loss, reason = "money and volumes below 2^53 centavos are exact in f64 for the workbook")]
                for (col, n) in [(19, p.completed), (20, p.applicable)] {
                    sheet.write_number(row, col, n as f64).map_err(xl)?;
                }
                sheet.write_string(row, 21, &o.description).map_err(xl)?;
                sheet
                    .write_string(row, 22, &o.client_representative)
                    .map_err(xl)?;
                if let Some(d) = o.duration_days {
                    sheet.write_number(row, 23, d).map_err(xl)?;
                }
                row += 1;
            }
        }
        // Filters on every column, as people expect of a list in Excel.
        let last_col = u16::try_from(HEADER.len() - 1).unwrap_or(0);
        sheet.autofilter(0, 0, row.saturating_sub(1), last_col).map_err(xl)?;
        book.save_to_buffer().map_err(xl)
    })
    .await??;
    Ok(download::attachment("ordenes-de-trabajo.xlsx", download::XLSX).body(bytes))
}
