//! `GET /ot/exportar.csv`: the list with its filters as CSV (UTF-8 with BOM, so Excel shows the
//! accents), streamed page by page: memory stays bounded whatever the number of orders.

use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{HttpResponse, web};
use futures_util::stream;

use super::{ProgressView, front_and_site};
use crate::db::catalogs::Kind;
use crate::domain::codes::{kind, record_state};
use crate::domain::format;
use crate::error::AppError;
use crate::routes::work_orders::list::{ListQuery, load};
use crate::startup::AppState;

/// Rows per database page (and per chunk sent).
const PAGE: i64 = 1000;
/// Chunks waiting to be sent; the producer pauses when the client reads slowly.
const BUFFERED_CHUNKS: usize = 4;

const HEADER: [&str; 21] = [
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

pub async fn csv(
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let mut filter = query.into_inner().to_filter();
    filter.offset = 0;
    filter.limit = PAGE;
    let today = state.clock.today();
    let pool = state.pool.clone();
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, AppError>>(BUFFERED_CHUNKS);
    actix_web::rt::task::spawn_blocking(move || {
        let send = |item| tx.blocking_send(item).is_ok();
        let mut first = true;
        let mut conn = match pool.get() {
            Ok(c) => c,
            Err(e) => {
                send(Err(AppError::from(e)));
                return;
            }
        };
        loop {
            let data = match load(&mut conn, &filter) {
                Ok(d) => d,
                Err(e) => {
                    tracing::error!(error = %e, "CSV export failed");
                    return;
                }
            };
            let done = (data.listed.len() as i64) < PAGE;
            let bytes = chunk(|w| {
                if first {
                    w.write_record(HEADER)?;
                }
                for l in &data.listed {
                    let o = &l.order;
                    let p = ProgressView::of(
                        o,
                        data.counts.get(&o.id).copied().unwrap_or_default(),
                        today,
                    );
                    w.write_record([
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
                            .name(Kind::ProjectManager, Some(o.project_manager_id)),
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
                    ])?;
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
            if !send(Ok(bytes)) || done {
                return;
            }
            filter.offset += PAGE;
        }
    });
    let body = stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    });
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"ordenes-de-trabajo.csv\"",
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .streaming(body))
}
