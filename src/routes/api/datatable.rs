//! `GET datatable/`: the order list in the DataTables server-side protocol, on the same query
//! (and the same fixed number of queries) as the list page.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{Answer, app_error, either};
use crate::db::catalogs::CatalogKind;
use crate::db::versions;
use crate::db::work_orders::{ListFilter, SortKey};
use crate::domain::codes::{WorkOrderKind, record_state};
use crate::domain::format;
use crate::domain::input::{filter_id, filter_year, search_text};
use crate::domain::progress::Progress;
use crate::domain::step_rule;
use crate::error::AppError;
use crate::services::listing::load;
use crate::web::AppState;
use crate::web::auth::SeenVersions;
use crate::web::blocking;

/// Largest page served, also for `length=-1` ("all").
pub const MAX_LENGTH: i64 = 1000;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TableQuery {
    draw: String,
    start: String,
    length: String,
    #[serde(rename = "search[value]")]
    search: String,
    filtro: String,
    #[serde(rename = "order[0][column]")]
    order_column: String,
    #[serde(rename = "order[0][dir]")]
    order_dir: String,
    tipo: String,
    ot_principal: String,
    estatus: String,
    responsable_proyecto: String,
    id_cliente: String,
    anio: String,
    sitio: String,
}

impl TableQuery {
    /// The list filter: legacy column indexes 1 id, 2 folio, 3 oficio, 4 real start, 5 real
    /// end, 9 status; anything else newest first.
    pub fn to_filter(&self) -> ListFilter {
        let sort = match self.order_column.trim() {
            "2" => SortKey::Folio,
            "3" => SortKey::Oficio,
            "4" => SortKey::RealStart,
            "5" => SortKey::RealEnd,
            "9" => SortKey::Status,
            _ => SortKey::Id,
        };
        let known_column = matches!(
            self.order_column.trim(),
            "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9"
        );
        let descending = !known_column || self.order_dir.trim() != "asc";
        let text = [self.filtro.trim(), self.search.trim()]
            .into_iter()
            .find(|t| !t.is_empty())
            .and_then(search_text);
        let length = match self.length.trim().parse::<i64>() {
            Ok(-1) => MAX_LENGTH,
            Ok(n) if n > 0 => n.min(MAX_LENGTH),
            _ => 10,
        };
        ListFilter {
            kind: WorkOrderKind::list_filter(&self.tipo).map(WorkOrderKind::id),
            status: filter_id(&self.estatus),
            project_manager: filter_id(&self.responsable_proyecto),
            client: filter_id(&self.id_cliente),
            site: filter_id(&self.sitio),
            year: filter_year(&self.anio),
            parent: filter_id(&self.ot_principal),
            overdue_on: None,
            deleted: false,
            ids: None,
            text,
            names: Vec::new(),
            sort,
            descending,
            offset: self
                .start
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|s| *s >= 0)
                .unwrap_or(0),
            limit: length,
        }
    }
}

fn date(d: Option<chrono::NaiveDate>) -> Option<String> {
    d.map(|d| format::date(Some(d)))
}

/// One order as the legacy `datatable/` sends it (its keys are the legacy system's). Serialized
/// as it is, borrowing the order's texts: built as a `json!` map, each row allocated its 45 keys
/// and values and sorted them into a tree (issue 14: the map's inserts and the allocator were
/// the top frames of the app's CPU on this route).
#[derive(Serialize)]
struct Row<'a> {
    id: i32,
    id_tipo_id: i32,
    id_frente: Option<i32>,
    id_embarcacion: Option<i32>,
    id_plataforma: Option<i32>,
    id_intercom: Option<i32>,
    id_patio: Option<i32>,
    descripcion_tipo: &'static str,
    estatus: &'a str,
    estatus_numero: i32,
    estatus_ot_id: i32,
    estatus_ot_texto: &'a str,
    responsable_proyecto: i32,
    responsable_proyecto_texto: &'a str,
    responsable_cliente: &'a str,
    id_pte_id: Option<i32>,
    pte_padre: &'a str,
    oficio_ot: &'a str,
    orden_trabajo: &'a str,
    descripcion_trabajo: &'a str,
    fecha_inicio_programada: Option<String>,
    fecha_inicio_real: Option<String>,
    fecha_termino_programada: Option<String>,
    fecha_termino_real: Option<String>,
    comentario: &'a str,
    ot_principal: Option<i32>,
    plazo_dias: Option<i32>,
    num_reprogramacion: Option<i32>,
    monto_mxn: String,
    monto_usd: String,
    total_pasos: i64,
    pasos_completados: i64,
    progreso_pasos: i32,
    progreso_tiempo: i32,
    progreso_final: i32,
    dias_restantes: i64,
    dias_transcurridos: i64,
    plazo_total: i64,
    progreso_tiempo_real: i32,
    progreso_final_real: i32,
    dias_restantes_real: i64,
    dias_transcurridos_real: i64,
    plazo_total_real: i64,
    tiene_reprogramaciones: bool,
    count_reprogramaciones: i64,
}

#[tracing::instrument(name = "handler", skip_all, fields(handler = "api::datatable::table"))]
pub async fn table(
    state: web::Data<AppState>,
    query: web::Query<TableQuery>,
    seen: SeenVersions,
) -> Answer {
    either(
        async {
            let filter = query.to_filter();
            let today = state.clock.today();
            let cache = state.caches.clone();
            let (data, unfiltered) =
                blocking(&state, move |c| -> Result<_, diesel::result::Error> {
                    let data = load(c, &filter, &cache, seen.0)?;
                    // Every visible order of every kind, through the list's count cache (it was
                    // counted on every request).
                    let every = ListFilter {
                        kind: None,
                        ..ListFilter::default()
                    };
                    let version = data.versions.of(versions::WORK_ORDERS);
                    let unfiltered = cache.counts.count_at(c, &every, version)?;
                    Ok((data, unfiltered))
                })
                .await
                .map_err(app_error)?
                .map_err(|e| app_error(AppError::internal(e)))?;
            let rows: Vec<Row> = data
                .listed
                .iter()
                .map(|l| {
                    let o = &l.order;
                    let counts = l.steps;
                    let p = Progress::compute(
                        o.planned_start,
                        o.planned_end,
                        o.real_start,
                        counts,
                        today,
                    );
                    let children = data.children.get(&o.id).copied().unwrap_or(0);
                    let to_define = o.record_state == record_state::TO_DEFINE;
                    Row {
                        id: o.id,
                        id_tipo_id: o.kind_id,
                        id_frente: o.front_id,
                        id_embarcacion: o.vessel_site_id,
                        id_plataforma: o.platform_site_id,
                        id_intercom: o.intercom_site_id,
                        id_patio: o.yard_site_id,
                        descripcion_tipo: step_rule::kind_name(o.kind_id),
                        estatus: if to_define {
                            "Por definir"
                        } else {
                            &l.status_name
                        },
                        estatus_numero: o.record_state,
                        estatus_ot_id: o.status_id,
                        estatus_ot_texto: if to_define {
                            "POR DEFINIR"
                        } else {
                            &l.status_name
                        },
                        responsable_proyecto: o.project_manager_id,
                        responsable_proyecto_texto: data
                            .catalogs
                            .get(CatalogKind::ProjectManager, o.project_manager_id)
                            .map_or("", |e| &e.description),
                        responsable_cliente: &o.client_representative,
                        id_pte_id: o.planning_doc_id,
                        pte_padre: l.pte_folio.as_deref().unwrap_or_default(),
                        oficio_ot: &o.oficio,
                        orden_trabajo: &o.folio,
                        descripcion_trabajo: &o.description,
                        fecha_inicio_programada: date(o.planned_start),
                        fecha_inicio_real: date(o.real_start),
                        fecha_termino_programada: date(o.planned_end),
                        fecha_termino_real: date(o.real_end),
                        comentario: &o.comment,
                        ot_principal: o.parent_id,
                        plazo_dias: o.duration_days,
                        num_reprogramacion: o.revision,
                        monto_mxn: format::money_plain(o.amount_mxn),
                        monto_usd: format::money_plain(o.amount_usd),
                        total_pasos: counts.applicable,
                        pasos_completados: counts.completed,
                        progreso_pasos: p.step_percent,
                        progreso_tiempo: p.time.percent,
                        progreso_final: p.combined,
                        dias_restantes: p.time.remaining_days,
                        dias_transcurridos: p.time.elapsed_days,
                        plazo_total: p.time.total_days,
                        progreso_tiempo_real: p.time_real.percent,
                        progreso_final_real: p.combined_real,
                        dias_restantes_real: p.time_real.remaining_days,
                        dias_transcurridos_real: p.time_real.elapsed_days,
                        plazo_total_real: p.time_real.total_days,
                        tiene_reprogramaciones: children > 0,
                        count_reprogramaciones: children,
                    }
                })
                .collect();
            let draw: i64 = query.draw.trim().parse().unwrap_or(0);
            Ok(HttpResponse::Ok().json(json!({
                "draw": draw,
                "recordsTotal": unfiltered,
                "recordsFiltered": data.total,
                "data": rows,
            })))
        }
        .await,
    )
}
